"""Reports that herz writes: self-contained HTML (images embedded) plus Markdown."""
