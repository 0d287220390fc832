#!/usr/bin/env python3
"""Writes the released tensor tables of Florence-VL-3B (llava_phi) and Florence-VL-8B (llava_llama).

Independent of the C# code on purpose: names follow the reference naming (LLaVA's `model.` / `model.vision_tower.
vision_tower.` prefixes, HF transformers' Phi-3 and Llama module names, the original Florence-2 remote-code names
as the reference wrote them into the tiny fixture florence-vl-tiny/model.safetensors, LLaVA's nested-Sequential
projector indices); shapes follow the published configs (Florence-2-large config.json, Phi-3.5-mini-instruct and
Llama-3.1-8B-Instruct config.json with Florence-VL's 128257-token vocabulary). Stdlib only:

    python3 make_tables.py      # rewrites florence-vl-3b.json and florence-vl-8b.json beside it
"""
import json, os

# Florence-2-large (microsoft/Florence-2-large-ft config.json)
DIMS, DEPTHS = [256, 512, 1024, 2048], [1, 1, 9, 1]
D_MODEL, ENC_LAYERS, DEC_LAYERS, FFN, BART_VOCAB, BART_POSITIONS = 1024, 12, 12, 4096, 51289, 4096
POS_EMBED_ROWS, TEMPORAL_ROWS = 50, 100


def florence2(t):
    tower = "model.vision_tower.vision_tower."
    davit = tower + "vision_tower."
    for i, c in enumerate(DIMS):
        t[f"{davit}convs.{i}.proj.weight"] = [c, 3, 7, 7] if i == 0 else [c, DIMS[i - 1], 3, 3]
        t[f"{davit}convs.{i}.proj.bias"] = [c]
        norm = c if i == 0 else DIMS[i - 1]  # stage 0 normalises after its conv, the others before
        t[f"{davit}convs.{i}.norm.weight"] = [norm]
        t[f"{davit}convs.{i}.norm.bias"] = [norm]
        for j in range(DEPTHS[i]):
            for block, attn in (("spatial_block", "window_attn"), ("channel_block", "channel_attn")):
                p = f"{davit}blocks.{i}.{j}.{block}."
                for conv in ("conv1", "conv2"):
                    t[p + f"{conv}.fn.dw.weight"] = [c, 1, 3, 3]
                    t[p + f"{conv}.fn.dw.bias"] = [c]
                t[p + f"{attn}.norm.weight"] = [c]
                t[p + f"{attn}.norm.bias"] = [c]
                t[p + f"{attn}.fn.qkv.weight"] = [3 * c, c]
                t[p + f"{attn}.fn.qkv.bias"] = [3 * c]
                t[p + f"{attn}.fn.proj.weight"] = [c, c]
                t[p + f"{attn}.fn.proj.bias"] = [c]
                t[p + "ffn.norm.weight"] = [c]
                t[p + "ffn.norm.bias"] = [c]
                t[p + "ffn.fn.net.fc1.weight"] = [4 * c, c]
                t[p + "ffn.fn.net.fc1.bias"] = [4 * c]
                t[p + "ffn.fn.net.fc2.weight"] = [c, 4 * c]
                t[p + "ffn.fn.net.fc2.bias"] = [c]
    t[tower + "image_projection"] = [DIMS[-1], D_MODEL]  # a raw parameter used as x @ W
    t[tower + "image_proj_norm.weight"] = [D_MODEL]
    t[tower + "image_proj_norm.bias"] = [D_MODEL]
    t[tower + "image_pos_embed.row_embeddings.weight"] = [POS_EMBED_ROWS, DIMS[-1] // 2]
    t[tower + "image_pos_embed.column_embeddings.weight"] = [POS_EMBED_ROWS, DIMS[-1] // 2]
    t[tower + "visual_temporal_embed.pos_idx_to_embed"] = [TEMPORAL_ROWS, DIMS[-1]]
    lm = tower + "language_model."
    t[lm + "model.shared.weight"] = [BART_VOCAB, D_MODEL]
    t[lm + "lm_head.weight"] = [BART_VOCAB, D_MODEL]
    for part, layers in (("encoder", ENC_LAYERS), ("decoder", DEC_LAYERS)):
        p = f"{lm}model.{part}."
        t[p + "embed_tokens.weight"] = [BART_VOCAB, D_MODEL]
        t[p + "embed_positions.weight"] = [BART_POSITIONS + 2, D_MODEL]  # BART's learned positions are offset by 2
        t[p + "layernorm_embedding.weight"] = [D_MODEL]
        t[p + "layernorm_embedding.bias"] = [D_MODEL]
        for n in range(layers):
            q = f"{p}layers.{n}."
            attentions = ["self_attn"] + (["encoder_attn"] if part == "decoder" else [])
            for a in attentions:
                for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
                    t[f"{q}{a}.{proj}.weight"] = [D_MODEL, D_MODEL]
                    t[f"{q}{a}.{proj}.bias"] = [D_MODEL]
                t[f"{q}{a}_layer_norm.weight"] = [D_MODEL]
                t[f"{q}{a}_layer_norm.bias"] = [D_MODEL]
            t[q + "fc1.weight"] = [FFN, D_MODEL]
            t[q + "fc1.bias"] = [FFN]
            t[q + "fc2.weight"] = [D_MODEL, FFN]
            t[q + "fc2.bias"] = [D_MODEL]
            t[q + "final_layer_norm.weight"] = [D_MODEL]
            t[q + "final_layer_norm.bias"] = [D_MODEL]


def projector(t, hidden):
    # mlp3x_gelu: Sequential(Linear(4*1024, H), Sequential(GELU, Linear(H, H)) x 2)
    t["model.mm_projector.encoder_mlp.0.weight"] = [hidden, 4 * 1024]
    t["model.mm_projector.encoder_mlp.0.bias"] = [hidden]
    for k in (1, 2):
        t[f"model.mm_projector.encoder_mlp.{k}.1.weight"] = [hidden, hidden]
        t[f"model.mm_projector.encoder_mlp.{k}.1.bias"] = [hidden]


def decoder(t, hidden, layers, heads, kv_heads, head_dim, inter, vocab, fused):
    t["model.embed_tokens.weight"] = [vocab, hidden]
    t["model.norm.weight"] = [hidden]
    t["lm_head.weight"] = [vocab, hidden]
    for n in range(layers):
        p = f"model.layers.{n}."
        t[p + "input_layernorm.weight"] = [hidden]
        t[p + "post_attention_layernorm.weight"] = [hidden]
        t[p + "self_attn.o_proj.weight"] = [hidden, heads * head_dim]
        t[p + "mlp.down_proj.weight"] = [hidden, inter]
        if fused:  # Phi-3: qkv_proj and gate_up_proj
            t[p + "self_attn.qkv_proj.weight"] = [(heads + 2 * kv_heads) * head_dim, hidden]
            t[p + "mlp.gate_up_proj.weight"] = [2 * inter, hidden]
        else:      # Llama: separate projections
            t[p + "self_attn.q_proj.weight"] = [heads * head_dim, hidden]
            t[p + "self_attn.k_proj.weight"] = [kv_heads * head_dim, hidden]
            t[p + "self_attn.v_proj.weight"] = [kv_heads * head_dim, hidden]
            t[p + "mlp.gate_proj.weight"] = [inter, hidden]
            t[p + "mlp.up_proj.weight"] = [inter, hidden]


def table(model_type, hub_params, **llm):
    t = {}
    decoder(t, **llm)
    projector(t, llm["hidden"])
    florence2(t)
    return {
        "model_type": model_type,
        "hub_card_parameters": hub_params,
        "source": "written by make_tables.py from the reference naming and the published configs",
        "tensors": dict(sorted(t.items())),
    }


here = os.path.dirname(os.path.abspath(__file__))
for name, data in {
    "florence-vl-3b.json": table("llava_phi", "4.78B", hidden=3072, layers=32, heads=32, kv_heads=32, head_dim=96,
                                 inter=8192, vocab=32064, fused=True),
    "florence-vl-8b.json": table("llava_llama", "9.01B", hidden=4096, layers=32, heads=32, kv_heads=8, head_dim=128,
                                 inter=14336, vocab=128257, fused=False),
}.items():
    with open(os.path.join(here, name), "w") as f:
        f.write("{\n")
        for key in ("model_type", "hub_card_parameters", "source"):
            f.write(f'  "{key}": {json.dumps(data[key])},\n')
        f.write('  "tensors": {\n')
        rows = [f'    {json.dumps(k)}: {json.dumps(v)}' for k, v in data["tensors"].items()]
        f.write(",\n".join(rows) + "\n  }\n}\n")
    total = sum(eval("*".join(map(str, s))) for s in data["tensors"].values())
    print(name, len(data["tensors"]), "tensors", total, "elements")
