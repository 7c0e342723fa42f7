"""Compiled inner loops: per-match random streams and the strategy automata.

Every match owns a random stream that depends only on the tournament seed and the
match's index. The 128-bit key of match ``i`` is exactly
``herz.rng.child_seed(seed, i).generate_state(2, numpy.uint64)``: NumPy's
SeedSequence hash is re-implemented here (and tested against NumPy) because
creating one SeedSequence object per match in Python costs more than playing the
match. The key seeds a SplitMix64 stream (Steele, Lea and Flood 2014), from which
each turn draws six uniforms in a fixed order: the two players' strategy draws,
their implementation-error draws and their perception-error draws. So a match's
result never depends on which other matches share its batch, thread or process.

References
----------
O'Neill, M. E. (2015), SeedSequence design as implemented in NumPy
(``numpy/random/bit_generator.pyx``).

Steele, G. L., Lea, D. and Flood, C. H. (2014). Fast splittable pseudorandom
number generators. *OOPSLA 2014*: 453-472. doi:10.1145/2660193.2660195.
"""

from __future__ import annotations

import math
from typing import Any

import numba as nb
import numpy as np
from numpy.typing import NDArray

_U = np.uint64
_MASK32 = _U(0xFFFFFFFF)
_INIT_A = _U(0x43B0D7E5)
_MULT_A = _U(0x931E8875)
_INIT_B = _U(0x8B51F9DD)
_MULT_B = _U(0x58F38DED)
_MIX_L = _U(0xCA01F9DD)
_MIX_R = _U(0x4973F715)
_XSHIFT = _U(16)
_POOL = 4
_GOLDEN = _U(0x9E3779B97F4A7C15)
_M1 = _U(0xBF58476D1CE4E5B9)
_M2 = _U(0x94D049BB133111EB)
_TWO53 = 1.0 / 9007199254740992.0

#: Uniform draws per turn: strategy 1, strategy 2, implementation 1, 2, perception 1, 2.
DRAWS_PER_TURN = 6
#: Integer state slots each strategy automaton may use.
STATE_SLOTS = 4
#: Parameter slots of a strategy.
PARAM_SLOTS = 8

# Strategy automaton codes (see herz.models.ipd.strategies for meaning and sources).
MEMORY_ONE = 0
ALTERNATOR = 1
CYCLER = 2
TIT_FOR_TWO_TATS = 3
TWO_TITS_FOR_TAT = 4
HARD_TIT_FOR_TAT = 5
GRUDGER = 6
DAVIS = 7
MAJORITY = 8
PROBER = 9
GRADUAL = 10
CONTRITE = 11
GRIT = 12
N_CODES = 13


def entropy_prefix(seed: np.random.SeedSequence) -> NDArray[np.uint32]:
    """Return the words that precede a child's own index in NumPy's entropy pool.

    NumPy pads the run entropy with zeros to the pool size whenever the spawn key
    is not empty (always true for a child), then appends the spawn-key words.
    """
    words: list[int] = []
    entropy = seed.entropy
    parts = [entropy] if isinstance(entropy, int | np.integer) else list(entropy)  # type: ignore[arg-type]
    for part in parts:
        words.extend(_int_words(int(part)))
    if len(words) < _POOL:
        words.extend([0] * (_POOL - len(words)))
    for k in seed.spawn_key:
        words.extend(_int_words(int(k)))
    return np.array(words, dtype=np.uint32)


def _int_words(n: int) -> list[int]:
    if n < 0:
        raise ValueError("negative entropy")
    if n == 0:
        return [0]
    out = []
    while n > 0:
        out.append(n & 0xFFFFFFFF)
        n >>= 32
    return out


@nb.njit(cache=True, inline="always")
def _hashmix(value: Any, hc: NDArray[np.uint64]) -> Any:
    value = (value ^ hc[0]) & _MASK32
    hc[0] = (hc[0] * _MULT_A) & _MASK32
    value = (value * hc[0]) & _MASK32
    value ^= value >> _XSHIFT
    return value & _MASK32


@nb.njit(cache=True, inline="always")
def _mix(x: Any, y: Any) -> Any:
    r = (_MIX_L * x - _MIX_R * y) & _MASK32
    r ^= r >> _XSHIFT
    return r & _MASK32


@nb.njit(cache=True)
def match_key(prefix: NDArray[np.uint32], index: int) -> NDArray[np.uint64]:
    """The two 64-bit words of ``child_seed(seed, index).generate_state(2, uint64)``."""
    n_idx = 1
    v = np.uint64(index)
    if v >> _U(32) != _U(0):
        n_idx = 2
    ent = np.empty(prefix.shape[0] + n_idx, dtype=np.uint64)
    for i in range(prefix.shape[0]):
        ent[i] = np.uint64(prefix[i])
    ent[prefix.shape[0]] = v & _MASK32
    if n_idx == 2:
        ent[prefix.shape[0] + 1] = v >> _U(32)
    hc = np.empty(1, dtype=np.uint64)
    hc[0] = _INIT_A
    pool = np.empty(_POOL, dtype=np.uint64)
    for i in range(_POOL):
        if i < ent.shape[0]:
            pool[i] = _hashmix(ent[i], hc)
        else:
            pool[i] = _hashmix(_U(0), hc)
    for i_src in range(_POOL):
        for i_dst in range(_POOL):
            if i_src != i_dst:
                pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], hc))
    for i_src in range(_POOL, ent.shape[0]):
        for i_dst in range(_POOL):
            pool[i_dst] = _mix(pool[i_dst], _hashmix(ent[i_src], hc))
    words = np.empty(4, dtype=np.uint64)
    hb = _INIT_B
    for i_dst in range(4):
        d = pool[i_dst % _POOL]
        d = (d ^ hb) & _MASK32
        hb = (hb * _MULT_B) & _MASK32
        d = (d * hb) & _MASK32
        d ^= d >> _XSHIFT
        words[i_dst] = d & _MASK32
    out = np.empty(2, dtype=np.uint64)
    out[0] = words[0] | (words[1] << _U(32))
    out[1] = words[2] | (words[3] << _U(32))
    return out


@nb.njit(cache=True, inline="always")
def _next(state: NDArray[np.uint64]) -> float:
    state[0] = state[0] + _GOLDEN
    z = state[0]
    z = (z ^ (z >> _U(30))) * _M1
    z = (z ^ (z >> _U(27))) * _M2
    z = z ^ (z >> _U(31))
    return float(z >> _U(11)) * _TWO53


@nb.njit(cache=True)
def _seed_stream(prefix: NDArray[np.uint32], index: int) -> NDArray[np.uint64]:
    key = match_key(prefix, index)
    state = np.empty(1, dtype=np.uint64)
    state[0] = key[0] ^ (key[1] * _GOLDEN)
    return state


@nb.njit(cache=True)
def _draw_length(state: NDArray[np.uint64], turns: int, cont: float, cap: int) -> int:
    # The first draw of every match fixes its length (a fixed number of turns
    # draws it too, so streams line up whatever the tournament's design).
    u = _next(state)
    if cont <= 0.0:
        return turns
    if cont >= 1.0:
        return cap
    length = 1 + math.floor(math.log(1.0 - u) / math.log(cont))
    return length if length < cap else cap


@nb.njit(cache=True)
def match_lengths(
    prefix: NDArray[np.uint32],
    first_index: int,
    n: int,
    turns: int,
    cont: float,
    cap: int,
) -> NDArray[np.int64]:
    """Length of each of ``n`` matches with indices ``first_index ...``."""
    out = np.empty(n, dtype=np.int64)
    for m in range(n):
        state = _seed_stream(prefix, first_index + m)
        out[m] = _draw_length(state, turns, cont, cap)
    return out


@nb.njit(cache=True)
def decide(
    code: int,
    par: tuple[float, ...],
    st: tuple[int, int, int, int],
    t: int,
    own1: int,
    int1: int,
    opp1: int,
    opp2: int,
    opp3: int,
    u: float,
) -> tuple[int, tuple[int, int, int, int]]:
    """Intended move (0 = C, 1 = D) of a strategy automaton at turn ``t``, and its new state.

    ``own1`` is the player's own last move as played, ``int1`` as intended; ``opp1``,
    ``opp2``, ``opp3`` the opponent's last three moves as this player perceived them
    (0 where the match is younger). ``st`` is the automaton's private integer state,
    updated here once per turn. Everything is a scalar or a tuple so the compiled
    call costs nothing (array arguments cost reference counting).
    """
    s0, s1, s2, s3 = st
    if code == MEMORY_ONE:
        if t == 0:
            p = par[4]
        else:
            k = 2 * own1 + opp1
            p = par[0] if k == 0 else (par[1] if k == 1 else (par[2] if k == 2 else par[3]))
        return (0 if u < p else 1), st
    if code == ALTERNATOR:
        return (0 if t == 0 else 1 - own1), st
    if code == CYCLER:
        period = int(par[0])
        j = t % period
        v = par[1]
        if j == 1:
            v = par[2]
        elif j == 2:
            v = par[3]
        elif j == 3:
            v = par[4]
        elif j == 4:
            v = par[5]
        elif j == 5:
            v = par[6]
        elif j == 6:
            v = par[7]
        return int(v), st
    if code == TIT_FOR_TWO_TATS:
        return (1 if (t >= 2 and opp1 == 1 and opp2 == 1) else 0), st
    if code == TWO_TITS_FOR_TAT:
        return (1 if ((t >= 1 and opp1 == 1) or (t >= 2 and opp2 == 1)) else 0), st
    if code == HARD_TIT_FOR_TAT:
        d = (t >= 1 and opp1 == 1) or (t >= 2 and opp2 == 1) or (t >= 3 and opp3 == 1)
        return (1 if d else 0), st
    if code == GRUDGER:
        if t > 0 and opp1 == 1:
            s0 = 1
        return s0, (s0, s1, s2, s3)
    if code == DAVIS:
        if t > 0 and opp1 == 1:
            s0 = 1
        if t < int(par[0]):
            return 0, (s0, s1, s2, s3)
        return s0, (s0, s1, s2, s3)
    if code == MAJORITY:
        # s0 cooperations, s1 defections of the opponent seen so far
        if t > 0:
            if opp1 == 1:
                s1 += 1
            else:
                s0 += 1
        a = 0
        if s1 > s0:
            a = 1
        elif s1 == s0:
            a = 0 if par[0] > 0.5 else 1
        return a, (s0, s1, s2, s3)
    if code == PROBER:
        if t == 0:
            return 1, st
        if t <= 2:
            return 0, st
        if t == 3 and opp1 == 0 and opp2 == 0:
            s0 = 1  # the opponent did not answer the probe: exploit it
        if s0 == 1:
            return 1, (s0, s1, s2, s3)
        return opp1, (s0, s1, s2, s3)
    if code == GRADUAL:
        # s0 opponent's defections seen, s1 punishments left, s2 calm moves left
        if t == 0:
            return 0, st
        if opp1 == 1:
            s0 += 1
        if s1 > 0:
            return 1, (s0, s1 - 1, s2, s3)
        if s2 > 0:
            return 0, (s0, s1, s2 - 1, s3)
        if opp1 == 1:
            return 1, (s0, s0 - 1, 2, s3)
        return 0, (s0, s1, s2, s3)
    if code == CONTRITE:
        # Standing: s0 own, s1 the opponent's (0 good, 1 bad).
        if t > 0:
            mine, theirs = s0, s1
            # A defection keeps good standing only when meant, and aimed at a party
            # in bad standing; an unintended defection (intended C, played D)
            # therefore puts this player in bad standing and it accepts punishment.
            if own1 == 0:
                s0 = 0
            else:
                s0 = 0 if (theirs == 1 and int1 == 1) else 1
            if opp1 == 0:
                s1 = 0
            else:
                s1 = 0 if mine == 1 else 1
        return (0 if (s0 == 1 or s1 == 0) else 1), (s0, s1, s2, s3)
    if code == GRIT:
        # s0 initiative moves left, s1 consecutive mutual defections.
        patience = int(par[0])
        run = int(par[1])
        if t == 0:
            return 0, (run - 1, 0, s2, s3)
        if own1 == 1 and opp1 == 1:
            s1 += 1
        else:
            s1 = 0
        if s0 > 0:
            return 0, (s0 - 1, s1, s2, s3)
        if s1 >= patience:
            return 0, (run - 1, 0, s2, s3)
        return opp1, (s0, s1, s2, s3)
    return 0, st


@nb.njit(cache=True, inline="always")
def _params(params: NDArray[np.float64], m: int, k: int) -> tuple[float, ...]:
    return (
        params[m, k, 0],
        params[m, k, 1],
        params[m, k, 2],
        params[m, k, 3],
        params[m, k, 4],
        params[m, k, 5],
        params[m, k, 6],
        params[m, k, 7],
    )


@nb.njit(cache=True, parallel=True)
def play_batch(
    prefix: NDArray[np.uint32],
    first_index: int,
    codes: NDArray[np.int64],
    params: NDArray[np.float64],
    noise: NDArray[np.float64],
    payoffs: NDArray[np.float64],
    lengths: NDArray[np.int64],
    moves1: NDArray[np.int8],
    moves2: NDArray[np.int8],
    seen1: NDArray[np.int8],
    seen2: NDArray[np.int8],
    scores: NDArray[np.float64],
    coops: NDArray[np.int64],
) -> None:
    """Play matches ``first_index ...`` in place; one row of each array per match.

    ``codes`` (n, 2) and ``params`` (n, 2, PARAM_SLOTS) give the two automata;
    ``noise`` (n, 4) the implementation errors of players 1, 2 and their perception
    errors; ``payoffs`` (4,) R, S, T, P. Outputs: moves as played, moves as seen by
    the other player (``seen1`` is what player 1 saw of player 2), total scores (n, 2)
    and cooperation counts (n, 2). Histories are written only when the move arrays
    have a column per turn (pass arrays with 0 columns to skip them).
    """
    n = codes.shape[0]
    keep = moves1.shape[1] > 0
    pR, pS, pT, pP = payoffs[0], payoffs[1], payoffs[2], payoffs[3]
    for m in nb.prange(n):
        state = _seed_stream(prefix, first_index + m)
        _next(state)  # the length draw, consumed so every stream lines up
        length = lengths[m]
        c1 = codes[m, 0]
        c2 = codes[m, 1]
        p1 = _params(params, m, 0)
        p2 = _params(params, m, 1)
        e1, e2, f1, f2 = noise[m, 0], noise[m, 1], noise[m, 2], noise[m, 3]
        st1 = (0, 0, 0, 0)
        st2 = (0, 0, 0, 0)
        # own last move (played, intended) and the last three perceived opponent moves
        a1l, i1l, o11, o12, o13 = 0, 0, 0, 0, 0
        a2l, i2l, o21, o22, o23 = 0, 0, 0, 0, 0
        sc1 = 0.0
        sc2 = 0.0
        k1 = 0
        k2 = 0
        for t in range(length):
            u1 = _next(state)
            u2 = _next(state)
            v1 = _next(state)
            v2 = _next(state)
            w1 = _next(state)
            w2 = _next(state)
            i1, st1 = decide(c1, p1, st1, t, a1l, i1l, o11, o12, o13, u1)
            i2, st2 = decide(c2, p2, st2, t, a2l, i2l, o21, o22, o23, u2)
            a1 = 1 - i1 if v1 < e1 else i1
            a2 = 1 - i2 if v2 < e2 else i2
            s1 = 1 - a2 if w1 < f1 else a2
            s2 = 1 - a1 if w2 < f2 else a1
            if keep:
                moves1[m, t] = a1
                moves2[m, t] = a2
                seen1[m, t] = s1
                seen2[m, t] = s2
            if a1 == 0:
                k1 += 1
                if a2 == 0:
                    sc1 += pR
                    sc2 += pR
                    k2 += 1
                else:
                    sc1 += pS
                    sc2 += pT
            else:
                if a2 == 0:
                    sc1 += pT
                    sc2 += pS
                    k2 += 1
                else:
                    sc1 += pP
                    sc2 += pP
            a1l, i1l, o13, o12, o11 = a1, i1, o12, o11, s1
            a2l, i2l, o23, o22, o21 = a2, i2, o22, o21, s2
        scores[m, 0] = sc1
        scores[m, 1] = sc2
        coops[m, 0] = k1
        coops[m, 1] = k2


@nb.njit(cache=True)
def draw_turn(
    prefix: NDArray[np.uint32],
    first_index: int,
    states: NDArray[np.uint64],
    out: NDArray[np.float64],
) -> None:
    """Advance the per-match streams ``states`` (n,) by one turn's six draws into ``out``."""
    for m in range(states.shape[0]):
        s = states[m : m + 1]
        for j in range(DRAWS_PER_TURN):
            out[m, j] = _next(s)


@nb.njit(cache=True)
def init_streams(
    prefix: NDArray[np.uint32],
    indices: NDArray[np.int64],
    turns: int,
    cont: float,
    cap: int,
    lengths: NDArray[np.int64],
) -> NDArray[np.uint64]:
    """Stream states of matches ``indices`` after the length draw (lengths written)."""
    states = np.empty(indices.shape[0], dtype=np.uint64)
    for m in range(indices.shape[0]):
        s = _seed_stream(prefix, indices[m])
        lengths[m] = _draw_length(s, turns, cont, cap)
        states[m] = s[0]
    return states


@nb.njit(cache=True)
def step_many(
    code: int,
    params: NDArray[np.float64],
    states: NDArray[np.int64],
    own: NDArray[np.int8],
    own_int: NDArray[np.int8],
    opp: NDArray[np.int8],
    t: int,
    u: NDArray[np.float64],
    out: NDArray[np.int8],
) -> None:
    """One turn of one automaton in many matches: row ``m`` of each array is match ``m``.

    ``params`` (n, PARAM_SLOTS), ``states`` (n, STATE_SLOTS) updated in place; the
    histories (n, turns) are valid before column ``t``.
    """
    for m in range(out.shape[0]):
        par = (
            params[m, 0],
            params[m, 1],
            params[m, 2],
            params[m, 3],
            params[m, 4],
            params[m, 5],
            params[m, 6],
            params[m, 7],
        )
        st = (states[m, 0], states[m, 1], states[m, 2], states[m, 3])
        a_l = int(own[m, t - 1]) if t >= 1 else 0
        i_l = int(own_int[m, t - 1]) if t >= 1 else 0
        o1 = int(opp[m, t - 1]) if t >= 1 else 0
        o2 = int(opp[m, t - 2]) if t >= 2 else 0
        o3 = int(opp[m, t - 3]) if t >= 3 else 0
        a, st = decide(code, par, st, t, a_l, i_l, o1, o2, o3, u[m])
        states[m, 0], states[m, 1], states[m, 2], states[m, 3] = st
        out[m] = a
