"""PyTorch side of the engine benchmark: the same CNN, channels_last, N threads. Last line: JSON."""
import argparse
import json
import resource
import sys
import time

import torch
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--iterations", type=int, default=30)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--b1-server", action="store_true",
                    help="answer each 'b1' line on stdin with one batch-1 median (for rounds interleaved with the Swift side)")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)


def block(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.MaxPool2d(2)]


layers = []
for cin, cout in [(3, 32), (32, 64), (64, 128), (128, 256)]:
    layers += block(cin, cout)
model = nn.Sequential(*layers, nn.Flatten(), nn.Linear(256 * 4 * 4, 2)).to(memory_format=torch.channels_last)
x = torch.randn(64, 3, 64, 64).to(memory_format=torch.channels_last)
y = torch.arange(64) % 2
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
loss_fn = nn.CrossEntropyLoss()


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def batch_one_median(one):
    lat = []
    for _ in range(300):
        t = time.perf_counter()
        model(one)
        lat.append(time.perf_counter() - t)
    lat.sort()
    return lat[len(lat) // 2] * 1000


if args.b1_server:
    model.eval()
    with torch.inference_mode():
        one = torch.randn(1, 3, 64, 64).to(memory_format=torch.channels_last)
        for _ in range(200):
            model(one)
        for line in sys.stdin:
            if line.strip() == "b1":
                print(json.dumps({"b1Milliseconds": batch_one_median(one)}), flush=True)
    sys.exit(0)


def train_step():
    opt.zero_grad(set_to_none=True)
    loss_fn(model(x), y).backward()
    opt.step()


model.train()
for _ in range(3):
    train_step()
rss0 = rss_mb()
t = time.perf_counter()
for _ in range(args.iterations):
    train_step()
train_ips = 64 * args.iterations / (time.perf_counter() - t)
growth = rss_mb() - rss0

model.eval()
with torch.inference_mode():
    for _ in range(3):
        model(x)
    t = time.perf_counter()
    for _ in range(args.iterations):
        model(x)
    infer_ips = 64 * args.iterations / (time.perf_counter() - t)
    one = torch.randn(1, 3, 64, 64).to(memory_format=torch.channels_last)
    for _ in range(200):
        model(one)
    b1 = batch_one_median(one)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"trainIPS": train_ips, "inferIPS": infer_ips, "b1Milliseconds": b1,
                  "peakRSSMB": peak, "rssGrowthMB": growth}))
