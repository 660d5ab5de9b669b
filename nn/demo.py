"""Train the course's shallow network on the bundled MNIST digits.

    python -m nn.demo [--epochs 10] [--batch-size 128] [--lr 0.5] [--compile]

784 inputs -> 64 sigmoid units -> 10 softmax outputs (50,890 parameters), cross-entropy,
plain mini-batch SGD, on the 4,000 training digits of the bundled subset; it reports the
accuracy on the 1,000 held-out digits (about 89% after 10 epochs). `--compile` compiles each
step with `ag.compile`: the same numbers; the whole run takes no less time here, since the
step's BLAS products, the progress bar and validation dominate it, and capturing costs a little.
"""
import argparse
import time

import autograd as ag
import nn
import optim
from nn.data import DataLoader, mnist


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compile", action="store_true", help="compile each step with ag.compile")
    args = parser.parse_args(argv)

    ag.manual_seed(args.seed)
    train, held_out = mnist(), mnist(train=False)
    model = nn.Sequential(nn.Linear(784, 64), nn.Sigmoid(), nn.Linear(64, 10))
    model.summary(input_shape=(784,))
    started = time.perf_counter()
    history = nn.fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=args.lr),
                     DataLoader(train, args.batch_size, shuffle=True), args.epochs,
                     val_loader=DataLoader(held_out, 1000), compile=args.compile)
    seconds = time.perf_counter() - started
    mode = "compiled (ag.compile)" if args.compile else "eagerly"
    print(f"{args.epochs} epochs over {len(train):,} digits, {mode}, in {seconds:.1f} s; accuracy on the {len(held_out):,} "
          f"held-out digits: {history.history['val_accuracy'][-1]:.1%}")
    return history


if __name__ == "__main__":
    main()
