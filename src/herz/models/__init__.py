"""Classic formal models of the security dilemma, each small, pure and validated."""
