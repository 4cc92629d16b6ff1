"""The peer NumPy figure: the seed's 784-100-10 network (sigmoid, MSE, SGD, batch 32) as
batched float32 NumPy on OpenBLAS, one epoch of real MNIST, and inference on the 10,000
test images at once. Threads come from OPENBLAS_NUM_THREADS, set by the caller. With
"dense", the images are random pixels 1–255 instead (no zeros), as bench/run.ts's
random dense images.
Usage: python3 numpy_mlp.py DATA_DIR [dense]  → one JSON line."""
import json
import sys
import time

import numpy as np


def idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read()[header:], dtype=np.uint8)


data = sys.argv[1]
x_train = idx(f"{data}/train-images-idx3-ubyte", 16).reshape(-1, 784)
y_train = idx(f"{data}/train-labels-idx1-ubyte", 8)
x_test = idx(f"{data}/t10k-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float32) / 255
rng = np.random.default_rng(1)
if sys.argv[2:] == ["dense"]:
    x_train = rng.integers(1, 256, size=x_train.shape, dtype=np.uint8)
    x_test = rng.integers(1, 256, size=x_test.shape, dtype=np.uint8).astype(np.float32) / 255
w1 = rng.normal(size=(100, 784)).astype(np.float32)
b1 = rng.normal(size=(100,)).astype(np.float32)
w2 = rng.normal(size=(10, 100)).astype(np.float32)
b2 = rng.normal(size=(10,)).astype(np.float32)
eye = np.eye(10, dtype=np.float32)
sigmoid = lambda z: 1 / (1 + np.exp(-z))
eta, batch = np.float32(0.1), 32

start = time.perf_counter()
order = rng.permutation(len(x_train))
for i in range(len(x_train) // batch):
    idxs = order[i * batch:(i + 1) * batch]
    a0 = x_train[idxs].astype(np.float32) / 255
    y = eye[y_train[idxs]]
    a1 = sigmoid(a0 @ w1.T + b1)
    a2 = sigmoid(a1 @ w2.T + b2)
    d2 = (a2 - y) * a2 * (1 - a2)
    d1 = (d2 @ w2) * a1 * (1 - a1)
    w2 -= eta / batch * (d2.T @ a1)
    b2 -= eta / batch * d2.sum(0)
    w1 -= eta / batch * (d1.T @ a0)
    b1 -= eta / batch * d1.sum(0)
train_sps = (len(x_train) // batch) * batch / (time.perf_counter() - start)

best = 0
for _ in range(5):
    start = time.perf_counter()
    sigmoid(sigmoid(x_test @ w1.T + b1) @ w2.T + b2)
    best = max(best, len(x_test) / (time.perf_counter() - start))
print(json.dumps({"train": train_sps, "inference": best, "numpy": np.__version__}))
