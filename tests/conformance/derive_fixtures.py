#!/usr/bin/env python3
"""Derives conformance cases for model/mode pairs that Norse's public fixtures do not cover.

Each derived case is computed from a Norse fixture (tests/conformance/fixtures) by an identity
that holds in Norse itself, never from norse-cpp's output:

- a step is the first step of a sequence (same parameters, input[0], the initial state);
- a sequence of length 1 is one step;
- the feed-forward LIFAdExRefrac step on x @ W^T + z @ R^T equals the first recurrent step
  (forward values; the recurrent cell's detached reset changes only gradients);
- the recurrent Izhikevich cell with W = I and R = 0 is the feed-forward cell (and, without a
  state, both start from the preset behaviour's state);
- the signed Poisson step encoder called n times has the statistics of the sequence encoder;
- the Linear+LIF+Linear+LI network with another LI tau_mem_inv: the hidden spikes are Norse's,
  the read-out recomputed here in float64 from README section 9's LI equations.

Derived cases are forward-only (no gradients: those would need Norse). Run from the repository
root: python3 tests/conformance/derive_fixtures.py (writes tests/conformance/derived/*.json).
"""
import copy
import json
import os

SRC = "tests/conformance/fixtures"
DST = "tests/conformance/derived"


def load(name):
    with open(os.path.join(SRC, name + ".json")) as f:
        return json.load(f)


def t_slice(t, k):
    """Tensor t[k] along the first axis."""
    shape = t["shape"]
    n = 1
    for d in shape[1:]:
        n *= d
    return {"shape": shape[1:], "data": t["data"][k * n:(k + 1) * n]}


def t_unsqueeze(t):
    return {"shape": [1] + t["shape"], "data": list(t["data"])}


def base(src, name, model, mode, how):
    d = {
        "name": name,
        "model": model,
        "mode": mode,
        "parameters": copy.deepcopy(src["parameters"]),
        "dt": src["dt"],
        "tensors": {},
        "expected": {},
        "differentiated_outputs": [],
        "tolerance": copy.deepcopy(src["tolerance"]),
        "notes": "DERIVED by tests/conformance/derive_fixtures.py from the Norse fixture '%s': %s "
                 "Forward only." % (src["name"], how),
    }
    return d


def first_step(src, name, mode, outputs, how="the first step of the sequence."):
    d = base(src, name, src["model"], mode, how)
    for k, v in src["tensors"].items():
        if k == "input":
            d["tensors"][k] = t_slice(v, 0)
        elif not k.startswith("grad_output."):
            d["tensors"][k] = v
    for k in outputs:
        d["expected"][k] = t_slice(src["expected"][k], 0)
    return d


def one_step_sequence(src, name, mode, outputs, finals):
    d = base(src, name, src["model"], mode, "a sequence of length 1 is the step.")
    for k, v in src["tensors"].items():
        if k == "input":
            d["tensors"][k] = t_unsqueeze(v)
        elif not k.startswith("grad_output."):
            d["tensors"][k] = v
    for k in outputs:
        d["expected"][k] = t_unsqueeze(src["expected"][k])
    for k in finals:
        d["expected"]["final." + k] = src["expected"][k]
    return d


def matvec_rows(x, w, rows, n_in, n_out, zero_diag=False):
    """x [rows, n_in] @ w^T, w [n_out, n_in], in float64."""
    out = []
    for r in range(rows):
        for o in range(n_out):
            acc = 0.0
            for i in range(n_in):
                if zero_diag and i == o:
                    continue
                acc += x[r * n_in + i] * w[o * n_in + i]
            out.append(acc)
    return out


def adex_refrac_feed_forward():
    src = load("lif_adex_refrac_recurrent_sequence")
    x, w, r = src["tensors"]["input"], src["tensors"]["input_weights"], src["tensors"]["recurrent_weights"]
    _, b, n_in = x["shape"]
    n = w["shape"][0]
    x0 = x["data"][: b * n_in]
    z0 = src["tensors"]["state.z"]["data"]
    autapses = src["parameters"].get("autapses", True)
    drive = [a + c for a, c in zip(matvec_rows(x0, w["data"], b, n_in, n),
                                   matvec_rows(z0, r["data"], b, n, n, zero_diag=not autapses))]
    how = ("the feed-forward cell driven by input[0] @ input_weights^T + state.z @ recurrent_weights^T "
           "(diagonal removed: autapses=false) equals the first recurrent step.")
    step = base(src, "lif_adex_refrac_step_derived", "lif_adex_refrac", "step", how)
    step["tensors"]["input"] = {"shape": [b, n], "data": drive}
    for f in ["v", "i", "a", "rho"]:
        step["tensors"]["state." + f] = src["tensors"]["state." + f]
    for k in ["z", "v", "i", "a", "rho"]:
        step["expected"][k] = t_slice(src["expected"][k], 0)
    step["parameters"].pop("autapses", None)
    seq = copy.deepcopy(step)
    seq["name"] = "lif_adex_refrac_sequence_derived"
    seq["mode"] = "sequence"
    seq["notes"] += " As a sequence of length 1."
    seq["tensors"]["input"] = t_unsqueeze(step["tensors"]["input"])
    for k in ["z", "v", "i", "a", "rho"]:
        seq["expected"][k] = t_unsqueeze(step["expected"][k])
        if k != "z":
            seq["expected"]["final." + k] = step["expected"][k]
    return [step, seq]


def izhikevich_recurrent_preset():
    src = load("izhikevich_tonic_spiking_sequence")
    n = src["tensors"]["input"]["shape"][2]
    d = base(src, "izhikevich_recurrent_sequence_preset_derived", "izhikevich", "recurrent_sequence",
             "the recurrent cell with input_weights = I and recurrent_weights = 0 is the feed-forward "
             "cell; no state given: both start from the preset's (v = -70, u = b v, z = 0).")
    d["parameters"]["autapses"] = True
    d["tensors"]["input"] = src["tensors"]["input"]
    d["tensors"]["input_weights"] = {"shape": [n, n], "data": [1.0 if i == j else 0.0 for i in range(n) for j in range(n)]}
    d["tensors"]["recurrent_weights"] = {"shape": [n, n], "data": [0.0] * (n * n)}
    for k in ["z", "v", "u", "final.v", "final.u"]:
        d["expected"][k] = src["expected"][k]
    d["expected"]["final.z"] = t_slice(src["expected"]["z"], src["expected"]["z"]["shape"][0] - 1)
    return d


def li_linear(mode):
    src = load("li_sequence_params")
    n = src["tensors"]["input"]["shape"][2]
    name = "li_linear_%s_derived" % ("sequence" if mode == "linear_sequence" else "step")
    how = "LILinearCell with input_weights = I is the LI cell."
    d = first_step(src, name, mode, ["v", "i"], how) if mode == "linear_step" else base(src, name, "li", mode, how)
    d["model"] = "li"
    if mode == "linear_sequence":
        for k, v in src["tensors"].items():
            if not k.startswith("grad_output."):
                d["tensors"][k] = v
        for k in ["v", "i", "final.v", "final.i"]:
            d["expected"][k] = src["expected"][k]
    d["tensors"]["input_weights"] = {"shape": [n, n], "data": [1.0 if i == j else 0.0 for i in range(n) for j in range(n)]}
    return d


def signed_poisson_step():
    src = load("encoder_signed_poisson_stats")
    d = base(src, "encoder_signed_poisson_step_derived", "encoder_signed_poisson_step", "encode",
             "the step encoder called n_samples times draws from the same distribution as the sequence "
             "encoder over n_samples steps (f_max given explicitly).")
    d["parameters"] = {"f_max": src["parameters"]["f_max"], "n_samples": src["parameters"]["n_samples"]}
    d["tensors"]["input"] = src["tensors"]["input"]
    d["expected"] = src["expected"]
    for k in ["stochastic", "compare", "seed"]:
        if k in src:
            d[k] = src[k]
    return d


def network_li_tau(tau_mem_inv):
    src = load("network_linear_lif_linear_li")
    d = base(src, "network_linear_lif_linear_li_tau%g_derived" % tau_mem_inv, src["model"], src["mode"],
             "li.tau_mem_inv changed to %g: the hidden spikes do not depend on the read-out and are "
             "Norse's; the output is recomputed in float64 from them (fc2, then README section 9's LI "
             "step from v = v_leak, i = 0)." % tau_mem_inv)
    d["parameters"]["li.tau_mem_inv"] = float(tau_mem_inv)
    for k, v in src["tensors"].items():
        if not k.startswith("grad_output."):
            d["tensors"][k] = v
    z = src["expected"]["z_hidden"]
    steps, b, h = z["shape"]
    w2, b2 = src["tensors"]["fc2.weight"], src["tensors"]["fc2.bias"]
    n_out = w2["shape"][0]
    p, dt = d["parameters"], d["dt"]
    v = [p["li.v_leak"]] * (b * n_out)
    i = [0.0] * (b * n_out)
    out = []
    for t in range(steps):
        x = matvec_rows(z["data"][t * b * h:(t + 1) * b * h], w2["data"], b, h, n_out)
        for k in range(b * n_out):
            i1 = i[k] + x[k] + b2["data"][k % n_out]
            v[k] = v[k] + dt * p["li.tau_mem_inv"] * ((p["li.v_leak"] - v[k]) + i1)
            i[k] = i1 - dt * p["li.tau_syn_inv"] * i1
        out.extend(v)
    d["expected"]["z_hidden"] = z
    d["expected"]["output"] = {"shape": [steps, b, n_out], "data": out}
    d["tolerance"] = {"rtol": 1e-5, "atol": 1e-5, "per_tensor": {}}
    return d


def main():
    os.makedirs(DST, exist_ok=True)
    cases = [
        first_step(load("iaf_sequence"), "iaf_step_derived", "step", ["z", "v"]),
        first_step(load("li_box_sequence"), "li_box_step_derived", "step", ["v"]),
        first_step(load("coba_lif_sequence"), "coba_lif_step_derived", "step", ["z", "v", "g_e", "g_i"]),
        first_step(load("lif_mc_recurrent_sequence"), "lif_mc_recurrent_step_derived", "recurrent_step", ["z", "v", "i"]),
        first_step(load("lif_mc_refrac_recurrent_sequence"), "lif_mc_refrac_recurrent_step_derived", "recurrent_step",
                   ["z", "v", "i", "rho"]),
        one_step_sequence(load("coba_lif_recurrent_step"), "coba_lif_recurrent_sequence_derived", "recurrent_sequence",
                          ["z", "v", "g_e", "g_i"], ["z", "v", "g_e", "g_i"]),
        izhikevich_recurrent_preset(),
        signed_poisson_step(),
        network_li_tau(50.0),
        li_linear("linear_sequence"),
        li_linear("linear_step"),
    ] + adex_refrac_feed_forward()
    for d in cases:
        with open(os.path.join(DST, d["name"] + ".json"), "w") as f:
            json.dump(d, f, indent=1)
            f.write("\n")
    print("wrote %d cases to %s" % (len(cases), DST))


if __name__ == "__main__":
    main()
