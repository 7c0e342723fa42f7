"""Beliefs, correctly specified (DESIGN.md 2.2), and the misperception bias (2.3).

l_ij is i's log-odds that j is greedy (mu_ij = Lambda(l_ij)). Each year i
predicts what j would buy if it were a security seeker and if it were greedy,
u_hat^S_j and u_hat^G_j, from the world's own arms policy
(:mod:`herz.world.economy`) and the public lagged state (stocks, output,
last year's spending, j's beliefs about third parties), with one exception:
for j's belief about i itself, i uses its second-order belief nu_ij (what i
thinks j believes about i; level 1). It then updates with the exact Gaussian
log-likelihood ratio of what it perceived (:mod:`herz.world.perception`):

    l_ij += log N(u~_ij; A_d u_hat^G_j, Sigma^G) - log N(u~_ij; A_d u_hat^S_j, Sigma^S),

Sigma^theta = s_p^2 I + s_m^2 a_theta a_theta^T: the perception noise s_p =
sigma Y_j / Y_ref plus j's domestic spending shock s_m = dt sigma_m s_j along the
direction a_theta = A_d (q_theta, 1 - q_theta) in which the type splits it. The
shock's base s_j is the world's own (:func:`herz.world.economy.shock_scale`):
Y_j / Y_ref at ``shock_base`` 0, and with ``shock_base`` b > 0 the blend
(1 - b) Y_j / Y_ref + b max(m_j, F Y_j / Y_ref) with j's last year's spending m_j,
which is public (``spending_prev`` of :func:`update_beliefs`, the value the
world's shock scaled): the filter's shock variance is the world's, number for
number (:func:`_shock_sd`). The filter's mean of j's spending stays its own
estimate from the perceived purchases, as at b = 0; the public m_j enters only
through the variance, so the update stays Gaussian (with m_j latent the
variance would depend on the hidden state and the exact filter would not be).
Without the shock this is Kydd's update with DESIGN's formula
(|u~ - u_hat^S|^2 - |u~ - u_hat^G|^2) / (2 sigma^2); for a true seeker each
year's increment is normal with mean -Delta^2/2 and variance Delta^2, Delta =
|u_hat^G - u_hat^S| / sigma. Because the likelihoods are the ones that
generated the data, the belief is a martingale: averaged over both types
E[mu_T] = mu_0 = p_greedy, and among pairs with mu in a bin the greedy share
matches the bin (calibration).

Attacks and restraint (:func:`war_evidence`): after the war decision i adds
log(a^G_ji / a^S_ji) if j attacked it and log((1 - a^G_ji) / (1 - a^S_ji))
otherwise, with the attack probabilities of the war policy itself (not v1's
fixed evidence weight of 20).

Second-order belief nu_ij: i updates it with the expected log-likelihood
ratio that its own true purchases give j (the noise-free perception plus the
expected noise term), and with its own attack or restraint.

Motive informativeness I_ij = |u_hat^G_j - u_hat^S_j|^2 in the metric of
Sigma^S (Glaser 1997's information about motives, distinct from d) is kept
per pair (``state.informativeness``).

Misperception bias (Jervis 1976, ch. 3; ``mechanisms.misperception``): when
predicting j's build i counts its own offence at (1 - beta_ij) O_i, so a
seeker's reaction to i reads as greed. beta_ij = beta (1 - PT) when i's
identity toward j is at least ``identity_threat_threshold`` and beta (1 + PT)
otherwise (perspective-taking and its backfire, Kertzer, Brutger and Quek
2024). The unbiased shadow belief l*_ij runs alongside with beta = 0: l* is the
rational spiral, l - l* the psychological one. Without the bias l* = l.

j's fear of i in i's prediction of j's build: i knows only nu_ij and its
spread Var nu (``state.mech["beliefs.nu_var"]``), so its filters carry, per
type hypothesis, the error phi = f(l_ji) - E f jointly with j's spending
(:func:`_kalman2`, ``state.mech["beliefs.fear_err_shadow"]``): phi's marginal
variance is the model's Var f (three-point Gauss-Hermite over nu's spread),
its changes a random step (:func:`_phi_prior`). The error is persistent (nu
misses it year after year); read as white noise it accumulated into
evidence of type: stated mistrust 0.03-0.04 above the greedy share in the
middle bins after year 10 (issue 17; tests/world/test_beliefs_late.py). The
biased filters carry phi as the shadow's do, scaled by the threat i admits:
the bias is blindness to one's own threat (Jervis 1976: i counts its
offence at (1 - b) O_i), not to one's uncertainty about j's beliefs, and l -
l* must be the bias alone (DESIGN.md 2.3), so the two filters differ only in
b (biased filters without phi, measured on branch nufilter, gave l != l* at
b = 0).

Limits (DESIGN.md 2.2 asks for them to be stated; measured, issue 17, stops 32-33): no
uncertainty beyond the second order (nu); i's level-1 proxy for j's belief about i (j
is taken to read i's fear of j exactly when nu is updated: the remaining
miscalibration in worlds without shocks); phi Gaussian (its right tail, the spiral, is
heavier); the clip of spending at 0 and at the budget cap is left out of the
likelihood. Each year's evidence is a likelihood ratio that is exact given that
year's state (tests/world/test_likelihood_ratio.py), but the state itself carries
information about types that no ratio includes, so with war on the beliefs are not
the posterior of any information set. j's attacks on third parties are not counted;
counting them calibrates the beliefs only when the types buy the same arms, because
the war likelihoods are taken at j's true stocks (public in DESIGN 2.2) while the arms
evidence reads j's purchases through noise (docs/world-calibration.md). The measured
direction is not the bias toward escape the design expected but toward the spiral: in
the middle bins stated mistrust runs above the greedy share (default world, N = 10:
+0.03 in years 1-10, +0.01 to +0.02 later; states never at war +0.07 to +0.08, states
that have fought -0.14 in years 1-10), and at N = 4 without war after year 30 by up
to 0.085 (i's nu misses j's spirals: the error of j's fear in the units i states has
sd 8.9 there, 2.4 at N = 10). Diagnostics:
scripts/diagnostics/belief_calibration_sources.py.

References
----------
Kydd, A. (1997). Game theory and the spiral model. *World Politics* 49(3):
371-400. doi:10.1353/wp.1997.0012.

Kydd, A. H. (2005). *Trust and Mistrust in International Relations*.
Princeton University Press.

Glaser, C. L. (1997). The security dilemma revisited. *World Politics* 50(1):
171-201. doi:10.1017/S0043887100014763.

Jervis, R. (1976). *Perception and Misperception in International Politics*.
Princeton University Press. ch. 3.

Kertzer, J. D., Brutger, R. and Quek, K. (2024). Perspective-taking and security
dilemma thinking. *World Politics* 76(2). doi:10.1353/wp.2024.a924509.

Anderson, B. D. O. and Moore, J. B. (1979). *Optimal Filtering*. Prentice-Hall.
ch. 3 (the Kalman filter of the augmented state).

Friedland, B. (1969). Treatment of bias in recursive filtering. *IEEE Trans.
Automatic Control* 14(4): 359-367. doi:10.1109/TAC.1969.1099223.

Blom, H. A. P. and Bar-Shalom, Y. (1988). The interacting multiple model algorithm
for systems with Markovian switching coefficients. *IEEE Trans. Automatic Control*
33(8): 780-783. doi:10.1109/9.1299.

Julier, S. J. and Uhlmann, J. K. (2004). Unscented filtering and nonlinear
estimation. *Proc. IEEE* 92(3): 401-422. doi:10.1109/JPROC.2003.823141.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
from numpy.typing import NDArray

from herz.world._dual import dual
from herz.world.economy import (
    SHOCK_FLOOR,
    Pressure,
    fear_weight,
    grievance_table,
    has_world_shares,
    inertia_worlds,
    offense_shares,
    offense_shares_worlds,
    reference_output,
    threat_factor,
)
from herz.world.identity import biased_share
from herz.world.noise import _FI, _KI, _WI, BLOCK, Stream, normal_pair_row
from herz.world.params import WorldParams
from herz.world.perception import MIN_NOISE
from herz.world.state import WorldState, logit

__all__ = ["NU_VAR", "SIGNAL_NONE", "SIGNAL_POOLING", "SIGNAL_SEPARATING", "add_pair_evidence", "bayes",
           "belief_limit", "predict_types", "prior_logodds", "reset_beliefs_about",
           "update_beliefs", "war_evidence"]

#: Key of the second-order spread Var(nu_ij) in ``state.mech`` (W, N, N).
NU_VAR = "beliefs.nu_var"

#: Keys of i's joint filter of the error phi = f(l_ji) - E f in j's fear of i in ``state.mech``:
#: (W, N, N, 2, 4), per type hypothesis (E phi, Cov(m, phi), Var phi, the Var f it last
#: saw); the biased filters and the shadow's.
FEAR_ERR, FEAR_ERR_SHADOW = "beliefs.fear_err", "beliefs.fear_err_shadow"

#: Codes of the ``signals`` array: no signal, an informative (separating) one, a pooling one.
SIGNAL_NONE, SIGNAL_SEPARATING, SIGNAL_POOLING = 0, 1, 2


def bayes(mu: NDArray[np.float64] | float, likelihood_ratio: NDArray[np.float64] | float
          ) -> NDArray[np.float64]:
    """Posterior probability of "greedy" from prior ``mu`` and a likelihood ratio.

    mu' = mu * LR / (mu * LR + 1 - mu); an infinite ratio gives 1, a zero ratio 0.
    """
    m = np.asarray(mu, dtype=float)
    lr = np.asarray(likelihood_ratio, dtype=float)
    with np.errstate(invalid="ignore"):
        post = m * lr / (m * lr + (1.0 - m))
    return np.asarray(np.where(np.isinf(lr), 1.0, post), dtype=float)


def belief_limit(params: WorldParams) -> float:
    """Largest |log-odds| a belief may reach: logit(1 - belief_floor)."""
    return logit(1.0 - params.belief_floor)


@nb.njit(inline="always")
def _loglik(r0, r1, a0, a1, s2, v):  # pragma: no cover - compiled
    """The log-density N(r; 0, s2 I + v a a^T) up to the constant -log(2 pi s2), and its trace term."""
    aa = a0 * a0 + a1 * a1
    c, logdet = _loglik_terms(a0, a1, s2, v)
    return _loglik_at(r0, r1, a0, a1, s2, c, logdet), 2.0 - c * aa


@nb.njit(inline="always")
def _loglik_terms(a0, a1, s2, v):  # pragma: no cover - compiled
    """(c, log-determinant) of :func:`_loglik`: they depend on (a, s2, v) only, not on r."""
    aa = a0 * a0 + a1 * a1
    c = v / (s2 + v * aa) if v > 0.0 else 0.0
    logdet = np.log1p(v * aa / s2) if v > 0.0 else 0.0
    return c, logdet


@nb.njit(inline="always")
def _loglik_at(r0, r1, a0, a1, s2, c, logdet):  # pragma: no cover - compiled
    """:func:`_loglik`'s log-density at r from its (c, log-determinant) (:func:`_loglik_terms`)."""
    ar = a0 * r0 + a1 * r1
    quad = (r0 * r0 + r1 * r1 - c * ar * ar) / s2
    return -0.5 * quad - 0.5 * logdet


@nb.njit(inline="always")
def _shock_sd(sigma_m, base, size, m_prev):  # pragma: no cover - compiled
    """The sd of a state's domestic shock: sigma_m s, s the base of ``economy.shock_scale``.

    ``size`` = Y / Y_ref (this year's output), ``m_prev`` last year's spending; at
    ``base`` 0 exactly sigma_m size, the operation of the world before ``shock_base``.
    """
    if base > 0.0:
        return sigma_m * ((1.0 - base) * size + base * max(m_prev, SHOCK_FLOOR * size))
    return sigma_m * size


@nb.njit(inline="always")
def _predict(m_prev, target, inert, cap):  # pragma: no cover - compiled
    m = m_prev + inert * (target - m_prev)
    return min(max(m, 0.0), cap)


@nb.njit(inline="always")
def _kalman2(m_prev, p_prev, e, pme, pee, target, inert, c, q, cap, h0, h1, o0, o1,
             s2):  # pragma: no cover - compiled
    """One step of i's joint filter of j's spending m and the error e in j's fear of i, one hypothesis.

    e = phi = f(l_ji) - E f (fear units; i knows only nu_ij and its spread,
    :func:`_phi_prior`) enters j's target linearly: i's predicted ``target``
    is made at the estimate e_hat, and m' = m + inert (target + c (e - e_hat)
    - m) + shock (variance q), c = kappa_j w_ji sh_ji T_i / norm_j (T_i less b O_i
    in the biased filters); e is constant
    within the year (its random step is :func:`_phi_prior`'s). i sees h m' +
    noise (variance s2 per component). This is the linear Kalman filter of
    the augmented state (m, e) (Anderson and Moore 1979, ch. 3; a persistent
    unknown input carried as a state, Friedland 1969): a persistent error in
    j's fear is read as a drift of j's target, not as evidence of j's type,
    as the one-dimensional filter (the error left out, or taken as white
    process noise) read it. Returns the predictive log-likelihood, the predicted perceived mean,
    the filtered m and Var m, the predicted Var m, and the filtered e,
    Cov(m, e) and Var e.

    References: Anderson, B. D. O. and Moore, J. B. (1979). *Optimal
    Filtering*. Prentice-Hall. Friedland, B. (1969). Treatment of bias in
    recursive filtering. *IEEE Trans. Automatic Control* 14(4): 359-367.
    """
    m = _predict(m_prev, target, inert, cap)
    a = 1.0 - inert
    g = inert * c
    pv = a * a * p_prev + 2.0 * a * g * pme + g * g * pee + q
    if pv < 0.0:
        pv = 0.0
    pme2 = a * pme + g * pee
    c_ll, logdet = _loglik_terms(h0, h1, s2, pv)
    ll = _loglik_at(o0 - h0 * m, o1 - h1 * m, h0, h1, s2, c_ll, logdet)
    hh = h0 * h0 + h1 * h1
    denom = s2 + pv * hh
    innov = (h0 * (o0 - h0 * m) + h1 * (o1 - h1 * m)) / denom
    m_post = m + pv * innov
    e_post = e + pme2 * innov
    p_post = pv * s2 / denom
    pme_post = pme2 * s2 / denom
    pee_post = max(pee - pme2 * pme2 * hh / denom, 0.0)
    return ll, h0 * m, h1 * m, m_post, p_post, pv, e_post, pme_post, pee_post, c_ll, logdet


@nb.njit(inline="always")
def _phi_prior(phi, cov, var, vref, vf):  # pragma: no cover - compiled
    """The prior of phi = f(l_ji) - E f this year, from last year's filtered state.

    phi is modelled as a Gauss-Markov sequence whose marginal variance is the
    model's Var f (``vf``, :func:`_fear_spread`): when Var f grew since the
    filter last saw it (``vref``) the difference is added as a random step
    (the error in nu is a martingale: its increments are the parts of j's
    perception noise i cannot see), when it shrank phi is scaled down with it.
    """
    if vf < vref:
        r = np.sqrt(vf / vref)
        return phi * r, cov * r, var * r * r
    return phi, cov, var + (vf - vref)


@nb.njit(inline="always")
def _store_err(err, w, i, j, e_s, c_s, p_s, e_g, c_g, p_g, vf):  # pragma: no cover - compiled
    """Write both hypotheses' filtered phi, Cov(m, phi), Var phi and the Var f they saw."""
    err[w, i, j, 0, 0] = e_s
    err[w, i, j, 0, 1] = c_s
    err[w, i, j, 0, 2] = p_s
    err[w, i, j, 1, 0] = e_g
    err[w, i, j, 1, 1] = c_g
    err[w, i, j, 1, 2] = p_g
    err[w, i, j, 0, 3] = vf
    err[w, i, j, 1, 3] = vf


@nb.njit(inline="always")
def _nu_increment(w, i, sc2, sigma, sigma_m, shock_base, dt, d, budget, ybar, inert, output,
                  kappa, press, grievance, greed_build, spending_prev, added, a_s0, a_s1, a_g0,
                  a_g1):  # pragma: no cover - compiled
    """Expected log-likelihood ratio an observer draws from i's true purchases this year."""
    cap_i = budget * output[w, i]
    sz_i = output[w, i] / ybar
    sp2 = max(sigma * sc2, MIN_NOISE) * sz_i  # perfect verification (v = 1): the floor
    s22 = sp2 * sp2
    sm2 = dt * _shock_sd(sigma_m, shock_base, sz_i, spending_prev[w, i])
    v2 = sm2 * sm2
    ti = kappa[i] * press[w, i] + grievance[w, i] * sz_i
    mi_s = _predict(spending_prev[w, i], ti, inert, cap_i)
    mi_g = _predict(spending_prev[w, i], ti + greed_build * sz_i, inert, cap_i)
    x0 = added[w, i, 0] + (1.0 - d) * added[w, i, 1]
    x1 = d * added[w, i, 1]
    e_s, tr_s = _loglik(x0 - dt * mi_s * a_s0, x1 - dt * mi_s * a_s1, a_s0, a_s1, s22, v2)
    e_g, tr_g = _loglik(x0 - dt * mi_g * a_g0, x1 - dt * mi_g * a_g1, a_g0, a_g1, s22, v2)
    return (e_g - 0.5 * tr_g) - (e_s - 0.5 * tr_s)


@nb.njit(inline="always")
def _fear_spread(lg, var, s, ins, fear_floor, realism, identity_weight,
                 cut):  # pragma: no cover - compiled
    """E[f(l)] and Var[f(l)] for l ~ N(lg, var): three-point Gauss-Hermite (f(lg), 0 when var = 0)."""
    f0 = fear_weight(lg, s, ins, fear_floor, realism, identity_weight, cut)
    if var <= 0.0:
        return f0, 0.0
    h = np.sqrt(3.0 * var)
    fm = fear_weight(lg - h, s, ins, fear_floor, realism, identity_weight, cut)
    fp = fear_weight(lg + h, s, ins, fear_floor, realism, identity_weight, cut)
    mean = (2.0 / 3.0) * f0 + (fm + fp) / 6.0
    spread = (2.0 / 3.0) * (f0 - mean) ** 2 + ((fm - mean) ** 2 + (fp - mean) ** 2) / 6.0
    return mean, spread


@dual
def belief_kernel(observed, logodds, shadow, nu, nu_spread, alive, spending_prev, output, added, press,
                  norm, threat, offense_old, weight, has_weight, shield, has_shield, identity,
                  inst, has_inst, noise_scale, has_scale, kappa, grievance, greed_build, ybar,
                  inert_w, budget_w, sigma_w, sigma_m_w, shock_base_w, dt, d_w, q_s, q_g,
                  fear_floor, realism,
                  identity_weight, threat_cut, beta_w, pt, s_thr, use_bias, lim, filt, filt_var,
                  sfilt, sfilt_var, l_out, shadow_out, nu_out, info_out, filt_out, filt_var_out,
                  sfilt_out, sfilt_var_out, nu_spread_out, ferr, sferr,
                  perceive, keys, step_word, stream_o,
                  stream_d, labels, obs_sigma_w, yref, ki, wi, fi):  # pragma: no cover - compiled
    # inert_w, budget_w, sigma_w, sigma_m_w, shock_base_w, d_w, beta_w, obs_sigma_w: (W,)
    # per-world values; grievance: (W, N), g of each state of each world
    n_worlds, n = alive.shape
    for w in nb.prange(n_worlds):
        d = d_w[w]
        inert = inert_w[w]
        budget = budget_w[w]
        sigma = sigma_w[w]
        sigma_m = sigma_m_w[w]
        shock_base = shock_base_w[w]
        beta = beta_w[w]
        obs_sigma = obs_sigma_w[w]
        # perception inside the kernel (``perceive``): one row of pair noise at a time
        z_o = np.zeros(n)
        z_d = np.zeros(n)
        es = np.empty(BLOCK, dtype=np.uint64)
        words = np.empty(BLOCK, dtype=np.uint64)
        reject = np.empty(BLOCK, dtype=np.int64)
        for i in range(n):
            have_inc = False
            inc = 0.0
            if perceive and obs_sigma > 0.0 and alive[w, i]:
                normal_pair_row(keys[w, 0], keys[w, 1], step_word, stream_o, labels[w], i, z_o,
                                es, words, reject, ki, wi, fi)
                normal_pair_row(keys[w, 0], keys[w, 1], step_word, stream_d, labels[w], i, z_d,
                                es, words, reject, ki, wi, fi)
            for j in range(n):
                if i == j or not alive[w, i] or not alive[w, j]:
                    l_out[w, i, j] = logodds[w, i, j]
                    shadow_out[w, i, j] = shadow[w, i, j]
                    nu_out[w, i, j] = nu[w, i, j]
                    nu_spread_out[w, i, j] = nu_spread[w, i, j]
                    info_out[w, i, j] = 0.0
                    for k in range(2):
                        filt_out[w, i, j, k] = filt[w, i, j, k]
                        filt_var_out[w, i, j, k] = filt_var[w, i, j, k]
                        sfilt_out[w, i, j, k] = sfilt[w, i, j, k]
                        sfilt_var_out[w, i, j, k] = sfilt_var[w, i, j, k]
                    continue
                # offence shares of j's purchases under each type (q_s, q_g: (W, N); a
                # capped state buys no offence: signals and arms control, issue 18)
                a_s0 = 1.0 - d * (1.0 - q_s[w, j])
                a_s1 = d * (1.0 - q_s[w, j])
                a_g0 = 1.0 - d * (1.0 - q_g[w, j])
                a_g1 = d * (1.0 - q_g[w, j])
                cap_j = budget * output[w, j]
                size_j = output[w, j] / ybar
                sc = noise_scale[w, i, j] if has_scale else 1.0
                # the likelihood's noise never falls below MIN_NOISE: perfect verification
                # (v = 1, scale 0) is read as the floor, not as a division by zero
                s_p = max(sigma * sc, MIN_NOISE) * size_j
                s2 = s_p * s_p
                # j's shock, scaled as the world scaled it (public output and last year's
                # spending)
                sm = _shock_sd(sigma_m, shock_base, size_j, spending_prev[w, j])
                q = sm * sm
                # j's pressure with i's own term seen through nu_ij (and the bias)
                wji = weight[w, j, i] if has_weight else 1.0
                shj = shield[w, j, i] if has_shield else 1.0
                ins = inst[w, j, i] if has_inst else 0.0
                cut = threat_cut if has_inst else 0.0
                f_true = fear_weight(logodds[w, j, i], identity[w, j, i], ins, fear_floor,
                                     realism, identity_weight, cut)
                nj = norm[w, j]
                # j's target = kappa_j (press_j + coef (f(l_ji) - f_true)/kappa_j) + ...: i sees
                # l_ji as nu_ij + e, e the persistent error of its second-order belief,
                # filtered jointly with j's spending (``_kalman2``)
                coef = kappa[j] * wji * shj * threat[w, i] / nj if nj > 0.0 else 0.0
                gb_j = greed_build * size_j
                t0 = kappa[j] * press[w, j] + grievance[w, j] * size_j - coef * f_true
                nu_ij = nu[w, i, j]
                if perceive:  # herz.world.perception.observe, the same operations in order
                    o0 = added[w, j, 0] + (1.0 - d) * added[w, j, 1]
                    o1 = d * added[w, j, 1]
                    if obs_sigma > 0.0:
                        sd = obs_sigma * output[w, j] / yref
                        if has_scale:
                            sd = sd * noise_scale[w, i, j]
                        o0 = z_o[j] * sd + o0
                        o1 = z_d[j] * sd + o1
                else:
                    o0 = observed[w, i, j, 0]
                    o1 = observed[w, i, j, 1]
                # j's fear of i as i sees it: E f and Var f over l_ji ~ N(nu_ij, Var nu_ij);
                # the filters carry phi = f(l_ji) - E f, which j's target holds linearly
                ef, vf = _fear_spread(nu_ij, nu_spread[w, i, j], identity[w, j, i], ins,
                                      fear_floor, realism, identity_weight, cut)
                # the unbiased (shadow) filters: one per type hypothesis
                ph, cm, pp = _phi_prior(sferr[w, i, j, 0, 0], sferr[w, i, j, 0, 1],
                                        sferr[w, i, j, 0, 2], sferr[w, i, j, 0, 3], vf)
                ll_s, ps0, ps1, ms, vs, pvs, es_, cs_, ps_, c_s, ld_s = _kalman2(
                    sfilt[w, i, j, 0], sfilt_var[w, i, j, 0], ph, cm, pp,
                    t0 + coef * (ef + ph), inert, coef, q, cap_j, dt * a_s0, dt * a_s1,
                    o0, o1, s2)
                ph, cm, pp = _phi_prior(sferr[w, i, j, 1, 0], sferr[w, i, j, 1, 1],
                                        sferr[w, i, j, 1, 2], sferr[w, i, j, 1, 3], vf)
                ll_g, pg0, pg1, mg, vg, _, eg_, cg_, pg_, _, _ = _kalman2(
                    sfilt[w, i, j, 1], sfilt_var[w, i, j, 1], ph, cm, pp,
                    t0 + coef * (ef + ph) + gb_j, inert, coef, q, cap_j, dt * a_g0,
                    dt * a_g1, o0, o1, s2)
                # informativeness: the two predictions' distance in the seeker's metric
                # (the seeker filter's c and log-determinant: the same a, s2 and variance)
                info = _loglik_at(pg0 - ps0, pg1 - ps1, dt * a_s0, dt * a_s1, s2, c_s, ld_s)
                aa = dt * dt * (a_s0 * a_s0 + a_s1 * a_s1)
                info_out[w, i, j] = -2.0 * info - (np.log1p(pvs * aa / s2) if pvs > 0.0
                                                   else 0.0)
                sh_new = min(max(shadow[w, i, j] + ll_g - ll_s, -lim), lim)
                shadow_out[w, i, j] = sh_new
                sfilt_out[w, i, j, 0] = ms
                sfilt_out[w, i, j, 1] = mg
                sfilt_var_out[w, i, j, 0] = vs
                sfilt_var_out[w, i, j, 1] = vg
                _store_err(sferr, w, i, j, es_, cs_, ps_, eg_, cg_, pg_, vf)
                if use_bias:
                    b = biased_share(beta, pt, identity[w, i, j], s_thr)
                    # i's own offence discounted by b: j's fear of i times (T_i - b O_i)
                    cb = kappa[j] * wji * shj * b * offense_old[w, i] / nj if nj > 0.0 else 0.0
                    ph, cm, pp = _phi_prior(ferr[w, i, j, 0, 0], ferr[w, i, j, 0, 1],
                                            ferr[w, i, j, 0, 2], ferr[w, i, j, 0, 3], vf)
                    cb2 = coef - cb
                    lb_s, _, _, mbs, vbs, _, ebs, cbs, pbs, _, _ = _kalman2(
                        filt[w, i, j, 0], filt_var[w, i, j, 0], ph, cm, pp,
                        t0 + cb2 * (ef + ph), inert, cb2, q, cap_j,
                        dt * a_s0, dt * a_s1, o0, o1, s2)
                    ph, cm, pp = _phi_prior(ferr[w, i, j, 1, 0], ferr[w, i, j, 1, 1],
                                            ferr[w, i, j, 1, 2], ferr[w, i, j, 1, 3], vf)
                    lb_g, _, _, mbg, vbg, _, ebg, cbg, pbg, _, _ = _kalman2(
                        filt[w, i, j, 1], filt_var[w, i, j, 1], ph, cm, pp,
                        t0 + cb2 * (ef + ph) + gb_j, inert, cb2, q, cap_j,
                        dt * a_g0, dt * a_g1, o0, o1, s2)
                    l_out[w, i, j] = min(max(logodds[w, i, j] + lb_g - lb_s, -lim), lim)
                    filt_out[w, i, j, 0] = mbs
                    filt_out[w, i, j, 1] = mbg
                    filt_var_out[w, i, j, 0] = vbs
                    filt_var_out[w, i, j, 1] = vbg
                    _store_err(ferr, w, i, j, ebs, cbs, pbs, ebg, cbg, pbg, vf)
                else:
                    l_out[w, i, j] = sh_new
                # nu: what j learns about i from i's true purchases, in expectation over
                # j's perception noise, with j's filters of i proxied by i's own spending
                # (the same for every j unless the noise is scaled per pair)
                if has_scale or not have_inc:
                    inc = _nu_increment(w, i, noise_scale[w, j, i] if has_scale else 1.0,
                                        sigma, sigma_m, shock_base, dt, d, budget, ybar, inert,
                                        output,
                                        kappa, press, grievance, greed_build, spending_prev,
                                        added, 1.0 - d * (1.0 - q_s[w, i]), d * (1.0 - q_s[w, i]),
                                        1.0 - d * (1.0 - q_g[w, i]), d * (1.0 - q_g[w, i]))
                    have_inc = True
                nu_out[w, i, j] = min(max(nu[w, i, j] + inc, -lim), lim)
                # the spread of j's belief about i: a year's log-likelihood ratio has
                # variance about twice its mean's size (Delta^2 vs Delta^2 / 2)
                nu_spread_out[w, i, j] = nu_spread[w, i, j] + 2.0 * abs(inc)


def _buffers(state: WorldState, name: str, like: NDArray[np.float64], count: int
             ) -> tuple[NDArray[np.float64], ...]:
    """``count`` output arrays shaped like ``like`` that do not overlap it (double buffering)."""
    bufs = state.extra.get(name)
    if bufs is None or bufs.shape[2:] != like.shape or bufs.shape[1] != count:
        bufs = state.extra[name] = np.empty((2, count, *like.shape))
    k = 1 if np.shares_memory(bufs[0], like) else 0
    return tuple(bufs[k])


_ONE3 = np.ones((1, 1, 1))
_OBS0 = np.zeros((1, 1, 1, 2))


def update_beliefs(state: WorldState, params: WorldParams, observed: NDArray[np.float64] | None,
                   spending_prev: NDArray[np.float64], press: Pressure,
                   threat: NDArray[np.float64], offense_old: NDArray[np.float64],
                   inst: NDArray[np.float64] | None = None,
                   scale: NDArray[np.float64] | None = None,
                   shares: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None
                   ) -> None:
    """Update l, l*, nu, I and the spending filters from this year's perceptions, in place.

    ``observed`` is :func:`herz.world.perception.observe`'s (W, N, N, 2), or
    None: the kernel then perceives itself, row by row, with the same draws
    and the same arithmetic (bit-identical, without the W x N x N x 2 array;
    what :func:`herz.world.step.step` does);
    ``spending_prev``, ``press``, ``threat`` (T_j, the world's one threat:
    :func:`herz.world.economy.public_threat`) and ``offense_old`` are the
    public state at t on which every prediction is made (the bias discounts
    i's own offence at the same exchange rate (1 + f)/delta as the threat,
    :func:`herz.world.economy.threat_factor`); ``state.added``
    and ``state.output`` hold this step's purchases and output. The new
    arrays are written into alternating buffers (copy them to keep them
    across steps). ``shares`` = (q_S, q_G), (W, N) each: the offence share of
    each state's purchases if it is a seeker / greedy, as everyone knows it
    (default: :func:`herz.world.economy.offense_shares` for every state; a
    state under a signal's cap or a kept treaty buys none, issue 18).
    """
    n_w = state.worlds
    if params.mechanisms.perception:
        sigma = np.maximum(params.world_array("perception_noise", n_w), MIN_NOISE)
    else:
        sigma = np.full(n_w, max(0.0, MIN_NOISE))
    beta = params.world_array("misperception_bias", n_w)
    if shares is None:
        if has_world_shares(params):
            qs_w, qg_w = offense_shares_worlds(params, n_w)
            shares = (np.broadcast_to(qs_w, state.alive.shape),
                      np.broadcast_to(qg_w, state.alive.shape))
        else:
            qs0, qg0 = offense_shares(params)
            shares = (np.full(state.alive.shape, qs0), np.full(state.alive.shape, qg0))
    q_s, q_g = (np.ascontiguousarray(q, dtype=float) for q in shares)
    use_bias = bool(params.mechanisms.misperception and (beta > 0.0).any())
    k = threat_factor(params)
    if use_bias and not np.all(k == 1.0):  # own offence discounted at the threat's rate
        offense_old = offense_old * k
    l_out, sh_out, nu_out, info_out, nv_out = _buffers(state, "beliefs", state.logodds, 5)
    nu_var = nu_spread(state)
    f_out, fv_out, sf_out, sfv_out = _buffers(state, "filters", state.expected_spending, 4)
    # the joint filters' error states are updated in place: the kernel reads and writes
    # each pair's own entries only (no transposed read, unlike the beliefs)
    ferr, sferr = fear_errors(state, use_bias)
    if not use_bias:
        sh_out, sf_out, sfv_out = l_out, f_out, fv_out
    perceive = observed is None
    obs = _OBS0 if observed is None else np.ascontiguousarray(observed)
    obs_sigma = (params.world_array("perception_noise", n_w) if params.mechanisms.perception
                 else np.zeros(n_w))
    step_word = np.uint64(state.t)
    belief_kernel(
        obs, state.logodds, state.logodds_shadow, state.second_order,
        nu_var, state.alive, spending_prev, state.output, state.added, press.value, press.norm,
        np.ascontiguousarray(threat), offense_old,
        _ONE3 if state.weight is None else state.weight, state.weight is not None,
        _ONE3 if state.shield is None else state.shield, state.shield is not None,
        state.identity, _ONE3 if inst is None else inst, inst is not None,
        _ONE3 if scale is None else scale, scale is not None,
        np.asarray(params.per_state("reaction")), grievance_table(params, n_w),
        float(params.greed_build), reference_output(params), inertia_worlds(params, n_w),
        params.world_array("budget_share", n_w), sigma,
        params.world_array("spending_shock", n_w), params.world_array("shock_base", n_w),
        float(params.dt),
        params.world_array("distinguishability", n_w), q_s, q_g, float(params.fear_floor),
        bool(params.offensive_realism), float(params.identity_threat_weight),
        float(params.community_threat_cut), beta, float(params.perspective_taking),
        float(params.identity_threat_threshold), use_bias, belief_limit(params),
        state.expected_spending, state.expected_spending_var,
        state.expected_spending_shadow, state.expected_spending_shadow_var,
        l_out, sh_out, nu_out, info_out, f_out, fv_out, sf_out, sfv_out, nv_out,
        ferr, sferr, perceive, state.keys, step_word,
        np.uint64(int(Stream.PERCEPTION)),
        np.uint64(int(Stream.PERCEPTION_DEFENCE)), state.label, obs_sigma,
        float(np.mean(params.per_state("initial_output"))), _KI, _WI, _FI)
    state.logodds, state.logodds_shadow = l_out, sh_out
    state.second_order = nu_out
    state.mech[NU_VAR] = nv_out
    if not use_bias:
        state.mech.pop(FEAR_ERR, None)
    state.informativeness = info_out
    state.expected_spending, state.expected_spending_var = f_out, fv_out
    state.expected_spending_shadow, state.expected_spending_shadow_var = sf_out, sfv_out


def war_evidence(state: WorldState, params: WorldParams, a_greedy: NDArray[np.float64],
                 a_seeker: NDArray[np.float64], attacks: NDArray[np.bool_]) -> None:
    """Add the attack or restraint evidence of this step's war decisions to l, l* and nu.

    ``a_greedy[w, j, i]`` / ``a_seeker[w, j, i]``: probability that j attacks
    i this step if j is greedy / a seeker, under the policy used for the draw;
    ``attacks[w, j, i]``: j attacked i. i adds to l_ij the log-likelihood ratio
    of what j did to it; i adds to nu_ij that of what it did to j. Pairs with a
    dead member learn nothing.
    """
    lim = belief_limit(params)
    eps = 1e-300
    with np.errstate(divide="ignore", invalid="ignore"):
        ag = np.clip(a_greedy, 0.0, 1.0)
        as_ = np.clip(a_seeker, 0.0, 1.0)
        lr_att = np.log(np.maximum(ag, eps)) - np.log(np.maximum(as_, eps))
        lr_res = np.log1p(-np.minimum(ag, 1.0 - 1e-16)) - np.log1p(-np.minimum(as_, 1.0 - 1e-16))
        ev = np.where(attacks, lr_att, lr_res)  # [j, i]: evidence about j
    ev = np.nan_to_num(ev, nan=0.0, posinf=lim, neginf=-lim)
    both = state.alive[:, :, None] & state.alive[:, None, :]
    ev = np.where(both, ev, 0.0)
    idx = np.arange(state.n_states)
    ev[:, idx, idx] = 0.0
    add_pair_evidence(state, np.swapaxes(ev, 1, 2), lim)


def add_pair_evidence(state: WorldState, about: NDArray[np.float64], lim: float) -> None:
    """Add log-likelihood ratios ``about[w, i, j]`` (i's evidence about j) to l and l*, and to nu.

    l* gets the same evidence (the bias acts on the arms predictions only); nu_ji, what j
    thinks i believes of j, gets what i learned about j (its transpose). All clipped at
    +-``lim`` (:func:`belief_limit`).
    """
    shared = state.logodds_shadow is state.logodds
    state.logodds = np.clip(state.logodds + about, -lim, lim)
    state.logodds_shadow = state.logodds if shared else np.clip(
        state.logodds_shadow + about, -lim, lim)
    state.second_order = np.clip(state.second_order + np.swapaxes(about, 1, 2), -lim, lim)


def _reset_pairs(arr: NDArray[np.float64], changed: NDArray[np.bool_], value: Any,
                 rows: bool) -> NDArray[np.float64]:
    """``np.where(mask, value, arr)`` for the pairs of the ``changed`` states, in place when it can.

    ``mask`` is ``changed[:, :, None]`` (``rows``: pairs [k, j]) or
    ``changed[:, None, :]`` (pairs [j, k]) without the diagonal, over any trailing
    axes of ``arr`` (W, N, N, ...); ``value`` a float or a (W, 1, 1) per-world array.
    Only the changed states' rows or columns are written (a regime change touches a
    few states of a few worlds; np.where rewrote every array whole): the same numbers,
    in ``arr`` itself (returned) unless it is read-only (then a new array).
    """
    v = np.asarray(value, dtype=arr.dtype)
    if not arr.flags.writeable:
        mask = (changed[:, :, None] if rows else changed[:, None, :]) & ~np.eye(
            changed.shape[1], dtype=bool)
        v = v.reshape((-1,) + (1,) * (arr.ndim - 1)) if v.ndim else v
        return np.where(mask.reshape(mask.shape + (1,) * (arr.ndim - 3)), v, arr)
    ws, ks = np.nonzero(changed)
    if ws.size == 0:
        return arr
    v = v.reshape(-1)[ws].reshape((-1,) + (1,) * (arr.ndim - 2)) if v.ndim else v
    diag = arr[ws, ks, ks].copy()
    if rows:
        arr[ws, ks] = v
    else:
        arr[ws, :, ks] = v
    arr[ws, ks, ks] = diag
    return arr


def prior_logodds(params: WorldParams) -> Any:
    """The prior l_0 = logit(p_greedy) + prior_bias, within the belief limit.

    A float, or with per-world ``p_greedy`` a (W, 1, 1) array (one prior per world).
    """
    lim = belief_limit(params)

    def prior(p: float) -> float:
        return min(max(logit(p) + params.prior_bias, -lim), lim)

    if "p_greedy" in params.world_values:
        w = len(params.world_values["p_greedy"])
        return params.world_map("p_greedy", prior, w).reshape(w, 1, 1)
    return prior(params.p_greedy)


def reset_beliefs_about(state: WorldState, params: WorldParams,
                        changed: NDArray[np.bool_]) -> None:
    """Everyone's belief (and shadow belief) about a state whose type was redrawn: the prior.

    A regime change after defeat redraws the loser's type with probability
    p_greedy (:mod:`herz.world.consequences`), so the correct belief about the
    new regime is the prior again; ``changed`` is (W, N).

    The spending the new regime inherits is the old one's, so i's two spending
    filters of it (:func:`_regime_mix`) both start from what i knew of that
    spending, the mixture of the old hypotheses' filters weighted by i's
    belief about the old regime: the IMM prediction step (Blom and Bar-Shalom
    1988) of a type that turned over for sure (tau = 1). Left as they were,
    the hypothesis the new type took kept the filter fitted under the old
    type's opposite, e.g. a greedy loser redrawn a seeker kept the seeker filter
    that had read its greedy build as shocks below it, so its inherited
    spending, falling toward a seeker's target, read as greed (issue 17,
    war on: standardized filter error of states at war mean +0.12, sd 1.23 in
    years 1-10; 0.01 and 1.01 with regime change off).
    """
    if changed.any():  # before the beliefs about the old regime are reset
        _regime_mix(state, changed)
    # written at the changed states' columns (rows) only, in place (_reset_pairs)
    l0 = prior_logodds(params)
    shared = state.logodds_shadow is state.logodds
    state.logodds = _reset_pairs(state.logodds, changed, l0, rows=False)
    state.logodds_shadow = state.logodds if shared else _reset_pairs(
        state.logodds_shadow, changed, l0, rows=False)
    # the new regime knows the others start again: its second-order beliefs are the prior
    state.second_order = _reset_pairs(state.second_order, changed, l0, rows=True)
    if NU_VAR in state.mech:
        state.mech[NU_VAR] = _reset_pairs(state.mech[NU_VAR], changed, 0.0, rows=True)
    # nu = l again: no error in it (in place, as the kernel updates it)
    for key in (FEAR_ERR, FEAR_ERR_SHADOW):
        if key in state.mech:
            state.mech[key] = _reset_pairs(state.mech[key], changed, 0.0, rows=True)


def _regime_mix(state: WorldState, changed: NDArray[np.bool_]) -> None:
    """Mix every observer's two spending filters of a new regime into one, in place.

    For the pairs [i, c] of each changed state c: with u = mu_ic (i's belief
    about the old regime, before the reset; the shadow filters with the
    shadow's mu*), both hypotheses' (m, Var m) become (1 - u) (m_S, V_S) + u
    (m_G, V_G) with the means' spread added, and the joint filters' error phi
    the same mixture with Cov(m, phi) and Var phi's spread terms: the
    moments of the two-component mixture, as :func:`_mix_filters` and
    :func:`_mix_errors` at tau = 1 (Blom and Bar-Shalom 1988).
    """
    ws, cs = np.nonzero(changed)
    n = state.n_states
    keep = ws[:, None], np.arange(n)[None, :], cs[:, None]  # [i, c] for every i
    diag = ws, cs, cs
    specs = [(state.logodds, "expected_spending", "expected_spending_var", FEAR_ERR)]
    if state.expected_spending_shadow is not state.expected_spending:
        specs.append((state.logodds_shadow, "expected_spending_shadow",
                      "expected_spending_shadow_var", FEAR_ERR_SHADOW))
    elif FEAR_ERR not in state.mech:  # one filter, its error is the shadow's
        specs = [(state.logodds, "expected_spending", "expected_spending_var", FEAR_ERR_SHADOW)]
    for lg, mkey, vkey, ekey in specs:
        with np.errstate(over="ignore"):
            u = 1.0 / (1.0 + np.exp(-lg[keep]))  # (k, N)
        mean, var = getattr(state, mkey), getattr(state, vkey)
        if not mean.flags.writeable:
            mean = mean.copy()
            setattr(state, mkey, mean)
        if not var.flags.writeable:
            var = var.copy()
            setattr(state, vkey, var)
        m = mean[keep]  # (k, N, 2)
        v = var[keep]
        d_m, d_v = mean[diag].copy(), var[diag].copy()
        m_s, m_g = m[..., 0], m[..., 1]
        m0 = (1.0 - u) * m_s + u * m_g
        v0 = (1.0 - u) * (v[..., 0] + (m_s - m0) ** 2) + u * (v[..., 1] + (m_g - m0) ** 2)
        err = state.mech.get(ekey)
        if err is not None and err.shape[:3] == mean.shape[:3]:
            e = err[keep]  # (k, N, 2, 4)
            d_e = err[diag].copy()
            e_s, e_g = e[..., 0, :], e[..., 1, :]
            e0 = (1.0 - u) * e_s[..., 0] + u * e_g[..., 0]
            out = np.empty_like(e_s)
            out[..., 0] = e0
            out[..., 1] = ((1.0 - u) * (e_s[..., 1] + (m_s - m0) * (e_s[..., 0] - e0))
                           + u * (e_g[..., 1] + (m_g - m0) * (e_g[..., 0] - e0)))
            out[..., 2] = ((1.0 - u) * (e_s[..., 2] + (e_s[..., 0] - e0) ** 2)
                           + u * (e_g[..., 2] + (e_g[..., 0] - e0) ** 2))
            out[..., 3] = (1.0 - u) * e_s[..., 3] + u * e_g[..., 3]
            err[keep] = out[..., None, :]
            err[diag] = d_e
        mean[keep] = m0[..., None]
        var[keep] = v0[..., None]
        mean[diag], var[diag] = d_m, d_v
    shadow_err = state.mech.get(FEAR_ERR_SHADOW)
    if (state.expected_spending_shadow is state.expected_spending and FEAR_ERR in state.mech
            and shadow_err is not None and shadow_err is not state.mech[FEAR_ERR]):
        shadow_err[keep] = state.mech[FEAR_ERR][keep]  # the shadow's filters are the biased ones


def fear_errors(state: WorldState, use_bias: bool
                ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(biased, shadow) joint-filter states of the error in j's fear, (W, N, N, 2, 4) each.

    Zeros at the start (nu = l at the common prior). Without the bias the
    biased filter is the shadow one (the same array); with it, a missing
    biased state starts from the shadow's, and the two are always distinct
    arrays (the belief kernel and :func:`predict_types` update them in place).
    """
    shape = (*state.second_order.shape, 2, 4)
    se = state.mech.get(FEAR_ERR_SHADOW)
    if se is None or se.shape != shape:
        se = state.mech[FEAR_ERR_SHADOW] = np.zeros(shape)
    if not use_bias:
        return se, se
    e = state.mech.get(FEAR_ERR)
    if e is None or e.shape != shape or e is se:
        e = state.mech[FEAR_ERR] = se.copy()
    return e, se


def nu_spread(state: WorldState) -> NDArray[np.float64]:
    """Var(nu_ij), i's uncertainty about j's log-odds of i (``state.mech["beliefs.nu_var"]``).

    Starts at 0 (everyone holds the common prior); grows by about twice each
    year's expected log-likelihood ratio (a year's increment has variance
    Delta^2 against a mean of size Delta^2 / 2) and contracts in the
    prediction step (:func:`predict_types`). The belief kernel averages the
    fear weight of j's predicted build over it (``nu_spread``).
    """
    v = state.mech.get(NU_VAR)
    if v is None or v.shape != state.second_order.shape:
        v = state.mech[NU_VAR] = np.zeros_like(state.second_order)
    return np.ascontiguousarray(v, dtype=np.float64)


def _predict_logodds(lg: NDArray[np.float64], tau: Any, p: Any, lim: float
                     ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(l', mu, mu'): the Markov prediction mu' = mu (1 - tau) + tau p in log-odds.

    exp overflows to inf for very negative log-odds (the Gauss-Hermite nodes of a wide
    nu), which gives the correct limit mu = 0: the warning is silenced, not the value.
    """
    with np.errstate(over="ignore"):
        mu = 1.0 / (1.0 + np.exp(-lg))
    mu2 = mu * (1.0 - tau) + tau * p
    with np.errstate(divide="ignore"):
        l2 = np.log(mu2) - np.log1p(-mu2)
    return np.clip(l2, -lim, lim), mu, mu2


def _mix_filters(mean: NDArray[np.float64], var: NDArray[np.float64], mu: NDArray[np.float64],
                 tau: Any, p: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """IMM mixing of the two type hypotheses' spending filters (Blom and Bar-Shalom 1988).

    The filter under "greedy now" starts from the mixture of last year's greedy
    filter (weight mu (1 - tau + tau p)) and seeker filter (weight (1 - mu) tau p),
    normalised, with the spread of the means added to the variance; likewise
    for "seeker now". The joint filters' error: :func:`_mix_errors`.
    """
    m_s, m_g = mean[..., 0], mean[..., 1]
    v_s, v_g = var[..., 0], var[..., 1]
    gg = mu * (1.0 - tau + tau * p)
    sg = (1.0 - mu) * tau * p
    ss = (1.0 - mu) * (1.0 - tau * p)
    gs = mu * tau * (1.0 - p)
    out_m = np.empty_like(mean)
    out_v = np.empty_like(var)
    for k, (a, b) in enumerate(((ss, gs), (sg, gg))):  # (from seeker, from greedy)
        tot = np.maximum(a + b, 1e-300)
        wa, wb = a / tot, b / tot
        m0 = wa * m_s + wb * m_g
        out_m[..., k] = m0
        out_v[..., k] = wa * (v_s + (m_s - m0) ** 2) + wb * (v_g + (m_g - m0) ** 2)
    return out_m, out_v


@dual
def _mix_errors(err, mean, mu, tau_w, p_w, pair):  # pragma: no cover - compiled
    """IMM mixing of the joint filters' error in j's fear, in place (the pairs in ``pair``).

    ``err`` (W, N, N, 2, 4): per hypothesis (E phi, Cov(m, phi), Var phi, Var f
    last seen); ``mean`` the filters' means before their own mixing
    (:func:`_mix_filters`, the same weights). The mixture keeps the first two
    moments of (m, phi): E phi and Var phi with the spread of the means, Cov(m,
    phi) with the cross term of both means' spreads (Blom and Bar-Shalom 1988).
    tau_w, p_w: (W,) turnover and p_greedy.
    """
    n_worlds, n = mu.shape[0], mu.shape[1]
    for w in nb.prange(n_worlds):
        tau = tau_w[w]
        p = p_w[w]
        for i in range(n):
            for j in range(n):
                if not pair[w, i, j]:
                    continue
                u = mu[w, i, j]
                gg = u * (1.0 - tau + tau * p)
                sg = (1.0 - u) * tau * p
                ss = (1.0 - u) * (1.0 - tau * p)
                gs = u * tau * (1.0 - p)
                m_s = mean[w, i, j, 0]
                m_g = mean[w, i, j, 1]
                e_s, c_s, v_s, r_s = err[w, i, j, 0, 0], err[w, i, j, 0, 1], err[w, i, j, 0, 2], \
                    err[w, i, j, 0, 3]
                e_g, c_g, v_g, r_g = err[w, i, j, 1, 0], err[w, i, j, 1, 1], err[w, i, j, 1, 2], \
                    err[w, i, j, 1, 3]
                for k in range(2):  # (from seeker, from greedy) weights of hypothesis k
                    a = ss if k == 0 else sg
                    b = gs if k == 0 else gg
                    tot = max(a + b, 1e-300)
                    wa = a / tot
                    wb = b / tot
                    m0 = wa * m_s + wb * m_g
                    e0 = wa * e_s + wb * e_g
                    err[w, i, j, k, 0] = e0
                    err[w, i, j, k, 1] = (wa * (c_s + (m_s - m0) * (e_s - e0))
                                          + wb * (c_g + (m_g - m0) * (e_g - e0)))
                    err[w, i, j, k, 2] = (wa * (v_s + (e_s - e0) ** 2)
                                          + wb * (v_g + (e_g - e0) ** 2))
                    err[w, i, j, k, 3] = wa * r_s + wb * r_g


def predict_types(state: WorldState, params: WorldParams) -> None:
    """The prediction step of the hidden-Markov belief filter, in place (before the update).

    Types turn over (:func:`herz.world.identity.turn_over_types`): with
    probability tau = ``motive_turnover`` a year a state's type is redrawn from
    p_greedy, so a belief mu about last year's type predicts mu' = mu (1 - tau)
    + tau p_greedy about this year's (the Chapman-Kolmogorov step of a
    two-state chain; Rabiner 1989). Applied to l, the shadow l* and the
    second-order nu (j's own prediction of i, as i models it); the spending
    filters of the two type hypotheses are mixed IMM-style
    (:func:`_mix_filters`, with the joint filters' error phi in j's fear) and nu
    with its spread Var(nu) go through the map by three-point Gauss-Hermite
    (the mean and spread of the map over nu's spread, not the map of the mean,
    which the map's curvature biases; Julier and Uhlmann 2004). With tau = 0
    nothing changes. Per-world ``motive_turnover`` and ``p_greedy`` are read as
    (W, 1, 1) arrays; a world with tau = 0 in a batch is left as it is, as in a
    scalar run.

    References: Rabiner, L. R. (1989). A tutorial on hidden Markov models.
    *Proc. IEEE* 77(2): 257-286. Blom, H. A. P. and Bar-Shalom, Y. (1988). The
    interacting multiple model algorithm. *IEEE Trans. Automatic Control*
    33(8): 780-783. Julier, S. J. and Uhlmann, J. K. (2004). Unscented filtering
    and nonlinear estimation. *Proc. IEEE* 92(3): 401-422.
    """
    tau = params.world_value("motive_turnover", 2)
    if not np.any(tau > 0.0):
        return
    p = params.world_value("p_greedy", 2)
    lim = belief_limit(params)
    n = state.n_states
    pair = state.alive[:, :, None] & state.alive[:, None, :] & ~np.eye(n, dtype=bool)
    if isinstance(tau, np.ndarray):
        pair = pair & (tau > 0.0)  # worlds without turnover: no prediction step
    shared = state.logodds_shadow is state.logodds
    shared_f = state.expected_spending_shadow is state.expected_spending

    def pred(lg: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        l2, mu, _ = _predict_logodds(lg, tau, p, lim)
        return np.where(pair, l2, lg), mu

    l_new, mu = pred(state.logodds)
    use_bias = FEAR_ERR in state.mech
    ferr, sferr = fear_errors(state, use_bias)
    n_w = mu.shape[0]
    tau_w = np.ascontiguousarray(np.broadcast_to(np.asarray(tau, float).reshape(-1), (n_w,)))
    p_w = np.ascontiguousarray(np.broadcast_to(np.asarray(p, float).reshape(-1), (n_w,)))
    spending = state.expected_spending  # the means before mixing (the errors' mixing reads them)
    if use_bias:  # (without the bias the error is the shadow's, mixed below)
        _mix_errors(ferr, spending, mu, tau_w, p_w, pair)
    m, v = _mix_filters(state.expected_spending, state.expected_spending_var, mu, tau, p)
    state.expected_spending = np.where(pair[..., None], m, state.expected_spending)
    state.expected_spending_var = np.where(pair[..., None], v, state.expected_spending_var)
    if shared:
        state.logodds_shadow = l_new
    else:
        sh_new, mu_s = pred(state.logodds_shadow)
        state.logodds_shadow = sh_new
    if shared_f:
        if use_bias:  # the shadow's filters are the biased ones: so is their error
            sferr[...] = ferr
        else:
            _mix_errors(sferr, spending, mu, tau_w, p_w, pair)
        state.expected_spending_shadow = state.expected_spending
        state.expected_spending_shadow_var = state.expected_spending_var
    else:
        mu_sh = mu if shared else mu_s
        _mix_errors(sferr, state.expected_spending_shadow, mu_sh, tau_w, p_w, pair)
        m, v = _mix_filters(state.expected_spending_shadow,
                            state.expected_spending_shadow_var, mu_sh, tau, p)
        state.expected_spending_shadow = np.where(pair[..., None], m,
                                                  state.expected_spending_shadow)
        state.expected_spending_shadow_var = np.where(pair[..., None], v,
                                                      state.expected_spending_shadow_var)
    state.logodds = l_new
    # j's belief about i is uncertain to i (nu, Var nu): its prediction is the mean and
    # spread of the map over that spread (three-point Gauss-Hermite), not the map of the
    # mean, which the map's curvature would bias (Julier and Uhlmann 2004, unscented)
    var = nu_spread(state)
    h = np.sqrt(3.0 * var)
    nodes = [_predict_logodds(state.second_order + k * h, tau, p, lim)[0] for k in (-1.0, 0.0, 1.0)]
    mean = (nodes[0] + nodes[2]) / 6.0 + (2.0 / 3.0) * nodes[1]
    spread = (((nodes[0] - mean) ** 2 + (nodes[2] - mean) ** 2) / 6.0
              + (2.0 / 3.0) * (nodes[1] - mean) ** 2)
    state.second_order = np.where(pair, mean, state.second_order)
    state.mech[NU_VAR] = np.where(pair, spread, var)
    # (the filters' phi = f(l_ji) - E f follows Var f at the next update: ``_phi_prior``)
