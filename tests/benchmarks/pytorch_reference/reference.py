#!/usr/bin/python3
"""The work `gcbench bench` times, written as a Python PyTorch user writes it.

Debian's python3-torch is the same LibTorch (1.13) gcbench links, so the two
sides differ only in the code around the kernels. Every case mirrors a Google
Benchmark case of gcbench (harness/src/bench/bench_cases.cpp), with the same
name, layers, parameter counts, batch and algorithm; the networks mirror the
architecture plugins layer for layer (parameter counts are printed and checked
against gcbench's by ci/bench_vs_pytorch.sh). Output: Google Benchmark's JSON
format, so `gcbench compare` and the history read it too.

    /usr/bin/python3 reference.py --threads 2 --filter 'train_step/' --json out.json
"""
import argparse
import json
import re
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 64          # bench_cases.cpp: kBatch
STEPS = 2           # bench_cases.cpp: kStepsPerIteration
CLASSES = 10
# --channels-last: the networks' weights and inputs in channels-last (NHWC) memory,
# the CPU layout PyTorch's performance guides recommend for convolutional networks;
# LibTorch's max-pool, batch norm and oneDNN convolutions have faster paths for it.
MEMORY_FORMAT = torch.contiguous_format
# --fold-batch-norm: in the GC cases, batch norm folded into the convolution before it
# (torch.fx's inference fusion; the same function of the input), as gcbench's
# convolutional plugins evaluate with frozen parameters (sdk/conv_batch_norm.hpp).
FOLD_BATCH_NORM = False


# The architecture plugins, default options, on 3x32x32 inputs.
class Conv4(nn.Module):  # plugins/architectures/conv4: width 64, embedding_dim 64
    def __init__(self, width=64, embedding_dim=64):
        super().__init__()
        layers, channels = [], 3
        for _ in range(4):
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2)]
            channels = width
        self.features = nn.Sequential(*layers)
        self.projection = nn.Linear(width * 2 * 2, embedding_dim)
        self.dimension = embedding_dim

    def forward(self, x):
        return self.projection(self.features(x).flatten(1))


class Mlp(nn.Module):  # plugins/architectures/mlp: hidden [256], embedding_dim 64, relu
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(3 * 32 * 32, 256), nn.ReLU(), nn.Linear(256, 64))
        self.dimension = 64

    def forward(self, x):
        return self.layers(x.flatten(1))


def conv_nb(cin, cout, kernel, stride=1):
    return nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1, self.bn1 = conv_nb(cin, cout, 3, stride), nn.BatchNorm2d(cout)
        self.conv2, self.bn2 = conv_nb(cout, cout, 3), nn.BatchNorm2d(cout)
        self.shortcut = (nn.Sequential(conv_nb(cin, cout, 1, stride), nn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else None)

    def forward(self, x):
        y = self.bn2(self.conv2(self.bn1(self.conv1(x)).relu()))
        return (y + (x if self.shortcut is None else self.shortcut(x))).relu()


class ResNet18(nn.Module):  # plugins/architectures/resnet18: width 64
    def __init__(self, width=64):
        super().__init__()
        self.stem = nn.Sequential(conv_nb(3, width, 3), nn.BatchNorm2d(width))
        blocks, channels = [], width
        for stage in range(4):
            out = width << stage
            blocks += [BasicBlock(channels, out, 1 if stage == 0 else 2), BasicBlock(out, out, 1)]
            channels = out
        self.stages = nn.Sequential(*blocks)
        self.dimension = channels

    def forward(self, x):
        return self.stages(self.stem(x).relu()).mean((2, 3))


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, pool):
        super().__init__()
        self.body = nn.Sequential(conv_nb(cin, cout, 3), nn.BatchNorm2d(cout), nn.LeakyReLU(0.1),
                                  conv_nb(cout, cout, 3), nn.BatchNorm2d(cout), nn.LeakyReLU(0.1),
                                  conv_nb(cout, cout, 3), nn.BatchNorm2d(cout))
        self.shortcut = nn.Sequential(conv_nb(cin, cout, 1), nn.BatchNorm2d(cout))
        self.pool = pool

    def forward(self, x):
        y = F.leaky_relu(self.body(x) + self.shortcut(x), 0.1)
        return F.max_pool2d(y, 2) if self.pool else y


class ResNet12(nn.Module):  # plugins/architectures/resnet12: widths 64-160-320-640
    def __init__(self, widths=(64, 160, 320, 640)):
        super().__init__()
        blocks, channels, size = [], 3, 32
        for width in widths:
            blocks.append(ResidualBlock(channels, width, size >= 2))
            size //= 2 if size >= 2 else 1
            channels = width
        self.blocks = nn.Sequential(*blocks)
        self.dimension = channels

    def forward(self, x):
        return self.blocks(x).mean((2, 3))


class Vgg(nn.Module):  # plugins/architectures/vgg: width_multiplier 1, embedding_dim 0
    LAYERS = {11: [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
              13: [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]}

    def __init__(self, depth):
        super().__init__()
        layers, channels, size = [], 3, 32
        for layer in self.LAYERS[depth]:
            if layer == 0:
                if size >= 2:
                    layers.append(nn.MaxPool2d(2))
                    size //= 2
                continue
            layers += [nn.Conv2d(channels, layer, 3, padding=1, bias=False), nn.BatchNorm2d(layer), nn.ReLU()]
            channels = layer
        layers.append(nn.AdaptiveAvgPool2d(1))
        self.features = nn.Sequential(*layers)
        self.dimension = channels

    def forward(self, x):
        return self.features(x).flatten(1)


ARCHITECTURES = {"conv4": Conv4, "mlp": Mlp, "resnet12": ResNet12, "resnet18": ResNet18,
                 "vgg11": lambda: Vgg(11), "vgg13": lambda: Vgg(13)}


def build(name):
    torch.manual_seed(0)
    embedding = ARCHITECTURES[name]().to(memory_format=MEMORY_FORMAT)
    return embedding, nn.Linear(embedding.dimension, CLASSES)


def parameter_count(name):
    embedding, head = build(name)
    return sum(p.numel() for p in embedding.parameters()) + sum(p.numel() for p in head.parameters())


# Training steps, as gcbench's pretrain() takes them: SGD (lr 0.05, momentum 0.9),
# decoupled weight decay 5e-4, batches from uint8 images standardised per channel.
def make_training(name, penalty_probes, compiled=False):
    embedding, head = build(name)
    embedding.train(), head.train()
    # torch.compile (PyTorch 2): the forward of embedding and head as one graph; the
    # penalty's double backward is not compiled (TorchDynamo does not trace it).
    forward = torch.compile(nn.Sequential(embedding, head)) if compiled else None
    images = torch.randint(0, 256, (BATCH * STEPS, 3, 32, 32), dtype=torch.uint8)
    labels = torch.randint(0, CLASSES, (BATCH * STEPS,))
    mean, std = torch.full((1, 3, 1, 1), 0.5), torch.full((1, 3, 1, 1), 0.25)
    parameters = list(embedding.parameters()) + list(head.parameters())
    lr, weight_decay, penalty = 0.05, 5e-4, 1e-3

    def iteration():
        optimizer = torch.optim.SGD(parameters, lr=lr, momentum=0.9)
        order = torch.randperm(BATCH * STEPS)
        for step in range(STEPS):
            rows = order[step * BATCH:(step + 1) * BATCH]
            x = ((images[rows].float().div_(255.0) - mean) / std).contiguous(memory_format=MEMORY_FORMAT)
            y = labels[rows]
            optimizer.zero_grad()
            if penalty_probes:
                x.requires_grad_(True)
            if forward is not None:
                logits = forward(x)
            else:
                z = embedding(x)
                logits = head(z)
            cross_entropy = F.cross_entropy(logits, y)
            loss = cross_entropy
            if penalty_probes:
                gc = 0.0
                for _ in range(penalty_probes):  # Hutchinson: E ||v^T J||^2 = ||J||_F^2
                    v = torch.randint(0, 2, z.shape).float().mul_(2).sub_(1)
                    g, = torch.autograd.grad(z, x, v, create_graph=True)
                    gc = gc + g.pow(2).flatten(1).sum(1).mean()
                loss = loss + penalty * gc / penalty_probes
            if not torch.isfinite(loss).item():
                raise RuntimeError("diverged")
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                for p in parameters:
                    p.mul_(1.0 - lr * weight_decay)
            cross_entropy.item(), logits.argmax(1).eq(y).sum().item()
    return iteration, BATCH * STEPS


# GC of the embedding w.r.t. its input, in eval mode.
def evaluated(name):
    embedding, _ = build(name)
    embedding.eval()
    if FOLD_BATCH_NORM:
        from torch.fx.experimental.optimization import fuse
        embedding = fuse(embedding).to(memory_format=MEMORY_FORMAT)
    return embedding


def gc_exact_loop(name, images):
    """The full Jacobian's squared norm, one backward pass per output dimension."""
    embedding = evaluated(name)
    x0 = torch.randn(images, 3, 32, 32)

    def iteration():
        x = x0.clone(memory_format=MEMORY_FORMAT).requires_grad_(True)
        y = embedding(x)
        total = torch.zeros(images, dtype=torch.float64)
        for d in range(y.shape[1]):
            g, = torch.autograd.grad(y[:, d].sum(), x, retain_graph=d + 1 < y.shape[1])
            total += g.double().pow(2).flatten(1).sum(1)
        return total.mean().item()
    return iteration, images


def gc_exact_vmap(name, images, images_per_call):
    """vmap(jacrev(f)): the Jacobians of images_per_call examples at once (torch.func on PyTorch 2, functorch
    on 1.13), the batch in as few calls as that allows. A user whose call is killed for memory splits the
    batch so: resnet18's four images at once were killed on a 23 GiB machine; one image peaks near 20 GiB."""
    try:
        from torch.func import jacrev, vmap
    except ImportError:
        from functorch import jacrev, vmap
    embedding, _ = build(name)
    embedding.eval()
    x0 = torch.randn(images, 3, 32, 32)

    def one(xi):
        return embedding(xi.unsqueeze(0)).squeeze(0)
    jacobians = vmap(jacrev(one))

    def iteration():
        total = torch.zeros((), dtype=torch.float64)
        for part in x0.split(images_per_call):
            total += jacobians(part).double().pow(2).sum()
        return (total / images).item()
    return iteration, images


def gc_hutchinson(name, images, probes=8, probes_per_pass=8, images_per_pass=8):
    """The hutchinson plugin's algorithm (1.1): the batch replicated only until a pass
    holds images_per_pass images, sent forward once; the probes then go through
    backward passes over that one graph, one probe per copy a pass."""
    embedding = evaluated(name)
    x0 = torch.randn(images, 3, 32, 32)
    generator = torch.Generator().manual_seed(0)
    copies = max(1, min(probes_per_pass, -(-images_per_pass // images), probes))

    def iteration():
        x = x0.repeat(copies, 1, 1, 1).contiguous(memory_format=MEMORY_FORMAT).requires_grad_(True)
        y = embedding(x)
        v = torch.randint(0, 2, (probes * images, y.shape[1]), generator=generator).float().mul_(2).sub_(1)
        norms = []
        for first in range(0, probes, copies):
            count = min(copies, probes - first)
            seed = v[first * images:(first + count) * images]
            if count < copies:
                seed = torch.cat([seed, seed.new_zeros((copies - count) * images, y.shape[1])])
            g, = torch.autograd.grad(y, x, seed, retain_graph=first + copies < probes)
            norms.append(g[:count * images].double().pow(2).flatten(1).sum(1))
        return torch.cat(norms).view(probes, images).mean().item()
    return iteration, images


# The NC family on 100k x 512 embeddings of 64 classes, in float64, as the NC
# literature's code computes it (Papyan et al.): class means, within- and
# between-class covariance, NC1 = tr(Sw Sb^+) / C, NC2, and the CDNV.
def nc_family():
    torch.manual_seed(0)
    n, dim, classes = 100000, 512, 64
    labels = torch.arange(classes).repeat(n // classes + 1)[:n]
    embeddings = torch.randn(n, dim) + torch.randn(classes, dim)[labels]

    def iteration():
        h = embeddings.double()
        counts = torch.bincount(labels, minlength=classes).double()
        means = torch.zeros(classes, dim, dtype=torch.float64).index_add_(0, labels, h) / counts[:, None]
        centred = h - means[labels]
        sigma_w = centred.T @ centred / n
        global_mean = means.mean(0)
        between = means - global_mean
        sigma_b = between.T @ between / classes
        nc1 = torch.trace(sigma_w @ torch.linalg.pinv(sigma_b, hermitian=True)).item() / classes
        norms = between.norm(dim=1)
        equinorm = (norms.std(unbiased=False) / norms.mean()).item()
        unit = between / norms[:, None]
        cosines = (unit @ unit.T)[~torch.eye(classes, dtype=torch.bool)]
        equiangularity = cosines.std(unbiased=False).item()
        variances = torch.zeros(classes, dtype=torch.float64).index_add_(0, labels, centred.pow(2).sum(1)) / counts
        gaps = torch.cdist(means, means).pow(2)
        cdnv = (variances[:, None] + variances[None, :]) / (2 * gaps)
        upper = torch.triu_indices(classes, classes, 1)
        return nc1, equinorm, equiangularity, cdnv[upper[0], upper[1]].mean().item()
    return iteration, n


# 600 five-way five-shot episodes of 15 queries, all episodes at once.
def fewshot(classifier):
    torch.manual_seed(0)
    labels = torch.arange(20).repeat(600)
    embeddings = torch.randn(12000, 512) + 2 * torch.randn(20, 512)[labels]
    by_class = [torch.nonzero(labels == c).flatten() for c in range(20)]
    ways, shots, queries, episodes = 5, 5, 15, 600
    generator = torch.Generator().manual_seed(0)

    def normalised(x):
        return x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)

    def iteration():
        support, query = [], []
        for _ in range(episodes):
            chosen = torch.randperm(20, generator=generator)[:ways]
            for c in chosen.tolist():
                picks = by_class[c][torch.randperm(len(by_class[c]), generator=generator)[:shots + queries]]
                support.append(picks[:shots])
                query.append(picks[shots:])
        s = embeddings[torch.cat(support)].view(episodes, ways, shots, -1)
        q = embeddings[torch.cat(query)].view(episodes, ways * queries, -1)
        truth = torch.arange(ways).repeat_interleave(queries)[None, :]
        if classifier == "ncm":
            predicted = torch.cdist(q, s.mean(2)).argmin(2)
        elif classifier == "ncm_cosine":
            predicted = (normalised(q) @ normalised(normalised(s).mean(2)).transpose(1, 2)).argmax(2)
        else:  # L-BFGS logistic regression per episode, L2 0.5 ||W||^2 (sklearn's C = 1)
            x = normalised(s).view(episodes, ways * shots, -1)
            targets = torch.arange(ways).repeat_interleave(shots).repeat(episodes)
            weight = torch.zeros(episodes, x.shape[-1], ways, requires_grad=True)
            bias = torch.zeros(episodes, 1, ways, requires_grad=True)
            optimizer = torch.optim.LBFGS([weight, bias], lr=1.0, max_iter=100, line_search_fn="strong_wolfe")

            def closure():
                optimizer.zero_grad()
                logits = (x @ weight + bias).view(-1, ways)
                loss = F.cross_entropy(logits, targets, reduction="sum") + 0.5 * weight.pow(2).sum()
                loss.backward()
                return loss
            optimizer.step(closure)
            predicted = (normalised(q) @ weight + bias).detach().argmax(2)
        return predicted.eq(truth).double().mean().item()
    return iteration, episodes


def cases(penalty_probes, compiled=False, channels_last=False, folded=False):
    out = {}
    if folded:  # the convolutional networks' GC, where batch norm can be folded
        return {name: make for name, make in cases(penalty_probes).items() if re.match(r"gc/(exact|hutchinson)/(?!mlp$)", name)}
    if channels_last:  # the cases with convolutional networks, all but vmap(jacrev)'s per-image calls
        return {name: make for name, make in cases(penalty_probes).items()
                if re.match(r"(train_step|train_step_gc_penalty|gc/exact|gc/hutchinson)/(?!mlp$)", name)}
    for name in ARCHITECTURES:
        out[f"train_step/{name}"] = lambda name=name: make_training(name, 0, compiled)
    if compiled:  # the training steps alone: the other cases have nothing torch.compile changes
        return out
    for name in ("conv4", "resnet18"):
        out[f"train_step_gc_penalty/{name}"] = lambda name=name: make_training(name, penalty_probes)
    # The last field: how many images each vmap(jacrev) call takes, 0 where it does not run.
    for network, images, vmap_images in (("mlp", 64, 64), ("conv4", 64, 64), ("resnet18", 4, 1),
                                         ("resnet12", 4, 0), ("vgg13", 4, 0)):
        out[f"gc/exact/{network}"] = lambda n=network, i=images: gc_exact_loop(n, i)
        if vmap_images:
            out[f"gc/exact_vmap_jacrev/{network}"] = lambda n=network, i=images, v=vmap_images: gc_exact_vmap(n, i, v)
        out[f"gc/hutchinson/{network}"] = lambda n=network, i=images: gc_hutchinson(n, i)
    out["nc/100k_x_512"] = nc_family
    for classifier in ("ncm", "ncm_cosine", "linear_probe"):
        out[f"fewshot/600_episodes_5way_5shot/{classifier}"] = lambda c=classifier: fewshot(c)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--filter", default=".", help="regex over case names")
    parser.add_argument("--repetitions", type=int, default=1)
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds per repetition, at least one iteration")
    parser.add_argument("--warmup", type=float, default=0.0,
                        help="seconds each case runs unmeasured first, at least one iteration (gcbench bench's --warmup)")
    parser.add_argument("--penalty-probes", type=int, default=1, help="Hutchinson probes of the GC penalty step")
    parser.add_argument("--json", help="write Google Benchmark JSON here")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--parameters", action="store_true", help="print each architecture's parameter count as JSON")
    parser.add_argument("--compile", action="store_true", help="the training steps with torch.compile (PyTorch 2)")
    parser.add_argument("--channels-last", action="store_true",
                        help="the convolutional networks' cases alone, weights and inputs in channels-last memory")
    parser.add_argument("--fold-batch-norm", action="store_true",
                        help="the convolutional networks' GC cases alone, channels-last, batch norm folded (torch.fx)")
    args = parser.parse_args()
    if args.compile and not hasattr(torch, "compile"):
        parser.error(f"--compile needs PyTorch 2 (torch.compile); this is {torch.__version__}")
    torch.set_num_threads(args.threads)
    if args.channels_last or args.fold_batch_norm:
        global MEMORY_FORMAT, FOLD_BATCH_NORM
        MEMORY_FORMAT = torch.channels_last
        FOLD_BATCH_NORM = args.fold_batch_norm
    if args.parameters:
        print(json.dumps({name: parameter_count(name) for name in ARCHITECTURES}))
        return
    selected = {name: make for name, make in cases(args.penalty_probes, args.compile, args.channels_last, args.fold_batch_norm).items() if re.search(args.filter, name)}
    if args.list:
        print("\n".join(selected))
        return
    results = []
    for name, make in selected.items():
        iteration, items = make()
        warmup_start = time.perf_counter()
        iteration()  # warm-up: first allocations, as gcbench's cases do
        while time.perf_counter() - warmup_start < args.warmup:
            iteration()
        for repetition in range(args.repetitions):
            count, wall_start, cpu_start = 0, time.perf_counter(), time.process_time()
            while True:
                iteration()
                count += 1
                if time.perf_counter() - wall_start >= args.min_time:
                    break
            wall = (time.perf_counter() - wall_start) / count
            cpu = (time.process_time() - cpu_start) / count
            # Named apart from gcbench's cases, so a history can hold both sides' series.
            results.append({"name": f"pytorch/{name}/real_time", "run_name": f"pytorch/{name}/real_time", "run_type": "iteration",
                            "repetitions": args.repetitions, "repetition_index": repetition, "iterations": count,
                            "real_time": wall * 1e3, "cpu_time": cpu * 1e3, "time_unit": "ms",
                            "items_per_second": items / wall})
            print(f"{name:50s} {wall * 1e3:10.2f} ms  ({count} iterations)", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    document = {"context": {"side": "python", "torch_version": torch.__version__, "threads": str(args.threads),
                            "compiled": str(args.compile).lower(),
                            "channels_last": str(args.channels_last).lower(),
                            "fold_batch_norm": str(args.fold_batch_norm).lower(), "peak_rss_bytes": str(peak)},
                "benchmarks": results}
    if args.json:
        with open(args.json, "w") as out:
            json.dump(document, out, indent=1)


if __name__ == "__main__":
    main()
