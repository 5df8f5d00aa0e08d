"""PyTorch reference of @mixtape/sequence's model, for bench:sequence only (never the product).

Same architecture, initial parameters, data, windows and settings as the TypeScript trainer:
item embeddings * sqrt(d) + right-aligned positions, pre-norm blocks (fused qkv projection,
causal multi-head attention, ReLU feed-forward), dropout on embeddings / attention output /
feed-forward hidden / feed-forward output, final layer norm, tied output, sampled softmax with
shared negatives drawn from the same distribution and the log-Q correction, Adam. Batches are
padded (the usual PyTorch way) with key-padding masks, so padded positions never influence real
ones. Reads the input written by bench/reference.bench.ts and prints one JSON line per epoch
and a final line with per-row validation NDCG@10.
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_input(path):
    with open(path, "rb") as handle:
        header_length = int.from_bytes(handle.read(4), "little")
        header = json.loads(handle.read(header_length).decode("utf-8"))
        arrays = {}
        for entry in header["arrays"]:
            dtype = {"int32": np.int32, "float32": np.float32}[entry["dtype"]]
            arrays[entry["name"]] = np.frombuffer(handle.read(entry["length"] * 4), dtype=dtype).copy()
    return header, arrays


class Model(torch.nn.Module):
    def __init__(self, config, parameters, tensors):
        super().__init__()
        self.config = config
        d = config["dim"]
        self.heads = config["heads"]
        self.dropout = config["dropout"]

        def tensor(name, transpose=False):
            entry = tensors[name]
            size = int(np.prod(entry["shape"]))
            value = torch.from_numpy(parameters[entry["offset"]:entry["offset"] + size].copy()).reshape(entry["shape"])
            return torch.nn.Parameter(value.t().contiguous() if transpose else value)

        self.item = tensor("item")
        self.position = tensor("position")
        self.blocks = torch.nn.ModuleList()
        for b in range(config["blocks"]):
            block = torch.nn.Module()
            block.ln1 = torch.nn.LayerNorm(d, eps=1e-5)
            block.ln1.weight, block.ln1.bias = tensor(f"block{b}.ln1.gain"), tensor(f"block{b}.ln1.bias")
            block.qkv = torch.nn.Linear(d, 3 * d)
            block.qkv.weight, block.qkv.bias = tensor(f"block{b}.qkv.weight", True), tensor(f"block{b}.qkv.bias")
            block.out = torch.nn.Linear(d, d)
            block.out.weight, block.out.bias = tensor(f"block{b}.out.weight", True), tensor(f"block{b}.out.bias")
            block.ln2 = torch.nn.LayerNorm(d, eps=1e-5)
            block.ln2.weight, block.ln2.bias = tensor(f"block{b}.ln2.gain"), tensor(f"block{b}.ln2.bias")
            block.ff1 = torch.nn.Linear(d, config["ffDim"])
            block.ff1.weight, block.ff1.bias = tensor(f"block{b}.ff1.weight", True), tensor(f"block{b}.ff1.bias")
            block.ff2 = torch.nn.Linear(config["ffDim"], d)
            block.ff2.weight, block.ff2.bias = tensor(f"block{b}.ff2.weight", True), tensor(f"block{b}.ff2.bias")
            self.blocks.append(block)
        self.final = torch.nn.LayerNorm(d, eps=1e-5)
        self.final.weight, self.final.bias = tensor("final.gain"), tensor("final.bias")

    def forward(self, tokens, positions, valid):
        """tokens, positions: B x L (padding anywhere valid is False); returns B x L x d."""
        d = self.config["dim"]
        heads = self.heads
        head_dim = d // heads
        B, L = tokens.shape
        x = self.item[tokens] * math.sqrt(d) + self.position[positions]
        x = F.dropout(x, self.dropout, self.training)
        causal = torch.ones(L, L, dtype=torch.bool).tril()
        mask = causal.unsqueeze(0) & valid.unsqueeze(1)  # query t sees valid keys <= t
        mask = mask | torch.eye(L, dtype=torch.bool).unsqueeze(0)  # padded queries see themselves (no NaN)
        bias = torch.zeros(B, 1, L, L).masked_fill(~mask.unsqueeze(1), float("-inf"))
        for block in self.blocks:
            a = block.ln1(x)
            q, k, v = block.qkv(a).split(d, dim=-1)
            q = q.view(B, L, heads, head_dim).transpose(1, 2)
            k = k.view(B, L, heads, head_dim).transpose(1, 2)
            v = v.view(B, L, heads, head_dim).transpose(1, 2)
            scores = q @ k.transpose(-1, -2) / math.sqrt(head_dim) + bias
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, L, d)
            x = x + F.dropout(block.out(context), self.dropout, self.training)
            hidden = F.dropout(F.relu(block.ff1(block.ln2(x))), self.dropout, self.training)
            x = x + F.dropout(block.ff2(hidden), self.dropout, self.training)
        return self.final(x)


def main():
    header, arrays = read_input(sys.argv[1])
    config, options = header["config"], header["options"]
    torch.manual_seed(options["seed"])
    torch.set_num_threads(options["threads"])
    tensors = {t["name"]: t for t in header["tensors"]}
    model = Model(config, arrays["parameters"], tensors)
    optimizer = torch.optim.Adam(model.parameters(), lr=options["learningRate"], betas=(0.9, 0.98), eps=1e-8)
    items = torch.from_numpy(arrays["items"].astype(np.int64))
    window_start = arrays["windowStart"].astype(np.int64)
    window_length = arrays["windowLength"].astype(np.int64)
    log_q = torch.from_numpy(arrays["itemLogQ"])
    sample_weights = torch.from_numpy(np.exp(arrays["itemLogQ"].astype(np.float64)))
    L = config["maxLength"]
    batch_size = options["batchSize"]
    negatives = options["negatives"]
    rng = np.random.default_rng(options["seed"])
    offsets_in_window = np.arange(L)

    def batch_tensors(starts, lengths):
        B = len(starts)
        # right-aligned: token t of a window of n sits at column L - n + t
        column = offsets_in_window[None, :]
        first = (L - lengths)[:, None]
        valid = column >= first
        index = np.where(valid, starts[:, None] + column - first, 0)
        tokens = torch.from_numpy(np.where(valid, arrays["items"][index], 0).astype(np.int64))
        targets = torch.from_numpy(np.where(valid, arrays["items"][np.minimum(index + 1, len(arrays["items"]) - 1)], -1).astype(np.int64))
        positions = torch.from_numpy(np.broadcast_to(column, (B, L)).copy().astype(np.int64))
        return tokens, positions, torch.from_numpy(valid), targets

    validation_rows = arrays["validationStart"]
    validation_lengths = arrays["validationLength"]
    validation_targets = torch.from_numpy(arrays["validationTargets"].astype(np.int64))

    def validate():
        model.eval()
        per_row = []
        with torch.no_grad():
            for first in range(0, len(validation_rows), 256):
                starts = validation_rows[first:first + 256].astype(np.int64)
                lengths = validation_lengths[first:first + 256].astype(np.int64)
                take = np.minimum(lengths, L)
                tokens, positions, valid, _ = batch_tensors(starts + lengths - take, take)
                # the history ends at column L - 1 (no target); batch_tensors shifts targets only
                h = model(tokens, positions, valid)[:, -1, :]
                scores = h @ model.item.t()
                for q in range(len(starts)):
                    history = items[starts[q]:starts[q] + lengths[q]]
                    target = validation_targets[first + q]
                    row = scores[q].clone()
                    row[history] = float("-inf")
                    rank = int((row > row[target]).sum())
                    per_row.append(1.0 / math.log2(rank + 2) if rank < 10 else 0.0)
        model.train()
        return per_row

    for epoch in range(1, options["epochs"] + 1):
        started = time.perf_counter()
        order = rng.permutation(len(window_start))
        loss_sum, target_sum, tokens_seen = 0.0, 0, 0
        for first in range(0, len(order), batch_size):
            chosen = order[first:first + batch_size]
            tokens, positions, valid, targets = batch_tensors(window_start[chosen], window_length[chosen])
            negative = torch.multinomial(sample_weights, negatives, replacement=True)
            h = model(tokens, positions, valid)[valid]
            target = targets[valid]
            positive = (h * model.item[target]).sum(-1) - log_q[target]
            negative_logits = h @ model.item[negative].t() - log_q[negative]
            negative_logits = negative_logits.masked_fill(negative.unsqueeze(0) == target.unsqueeze(1), float("-inf"))
            logits = torch.cat([positive.unsqueeze(1), negative_logits], dim=1)
            loss = F.cross_entropy(logits, torch.zeros(len(target), dtype=torch.long))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += float(loss) * len(target)
            target_sum += len(target)
            tokens_seen += int(valid.sum())
        seconds = time.perf_counter() - started
        per_row = validate()
        print(json.dumps({"epoch": epoch, "loss": loss_sum / target_sum, "seconds": seconds, "tokensPerSecond": tokens_seen / seconds, "validationNdcg10": sum(per_row) / len(per_row)}), flush=True)
    print(json.dumps({"final": per_row}), flush=True)


if __name__ == "__main__":
    main()
