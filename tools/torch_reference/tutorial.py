#!/usr/bin/python3
"""The headline measurement: the whole tutorial (ResNet18, 2 epochs, batch 4, SGD lr 0.001
momentum 0.9, 2 loader workers) in PyTorch and in tapenet, on the same CIFAR-10 archive, the same
thread count, one after the other.

    tools/torch_reference/tutorial.py [--archive PATH] [--threads 2] [--epochs 2] [--device cpu]
                                      [--tapenet build/release/examples/cli/tapenet] [--skip-torch]

PyTorch runs the Python tutorial's own loop (reading the Python release of the same images,
written once from the archive). Both report the training loop's wall time and the test accuracy
twice: as the tutorial measures it (no net.eval(): BatchNorm uses each test batch of 4's own
statistics) and in eval mode (running statistics). With --device cuda both train on the GPU
(tapenet's program must then be tapenet-cuda; PyTorch keeps its defaults, as the tutorial does).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
from cifar_python import write_python_release, TorchvisionCIFAR10  # noqa: E402


def accuracy(net, loader, torch, device):
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            _, predicted = torch.max(net(images), 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return 100.0 * correct / total


def run_torch(archive, threads, epochs, device):
    import torch
    import torchvision
    import torchvision.transforms as transforms
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as folder:
        write_python_release(archive, folder)
        CIFAR10 = TorchvisionCIFAR10(torchvision)
        transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
        trainset = CIFAR10(root=folder, train=True, download=False, transform=transform)
        trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True, num_workers=2)
        testset = CIFAR10(root=folder, train=False, download=False, transform=transform)
        testloader = torch.utils.data.DataLoader(testset, batch_size=4, shuffle=False, num_workers=2)
        net = torchvision.models.resnet18()
        net.fc = torch.nn.Linear(net.fc.in_features, 10)
        net.to(device)
        criterion = torch.nn.CrossEntropyLoss()
        optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
        start = time.perf_counter()
        for epoch in range(epochs):
            running_loss = 0.0
            for i, (inputs, labels) in enumerate(trainloader, 0):
                inputs, labels = inputs.to(device), labels.to(device)
                optimizer.zero_grad()
                loss = criterion(net(inputs), labels)
                loss.backward()
                optimizer.step()
                running_loss += loss.item()
                if i % 2000 == 1999:
                    print(f"  PyTorch [{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2000:.3f}", flush=True)
                    running_loss = 0.0
        seconds = time.perf_counter() - start
        eval_mode = None
        state = {k: v.clone() for k, v in net.state_dict().items()}
        tutorial_way = accuracy(net, testloader, torch, device)  # the tutorial's loop: still in train mode
        net.load_state_dict(state)  # undo what that did to the running statistics
        net.eval()
        eval_mode = accuracy(net, testloader, torch, device)
        return {"seconds": seconds, "tutorial_accuracy": tutorial_way, "eval_accuracy": eval_mode,
                "version": torch.__version__}


def run_tapenet(binary, archive, threads, epochs, device):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    with tempfile.TemporaryDirectory() as out:
        train = subprocess.run([binary, "train", "--data", archive, "--epochs", str(epochs), "--threads", str(threads),
                                "--device", device, "--out", out], env=env, capture_output=True, text=True)
        if train.returncode != 0:
            sys.exit(f"tutorial.py: tapenet train failed:\n{train.stderr}")
        for line in train.stdout.splitlines():
            if line.startswith("["):
                print("  tapenet " + line, flush=True)
        seconds = sum(float(s) for s in re.findall(r"\(([0-9.]+) s\)", train.stdout))
        results = {"seconds": seconds}
        for key, extra in (("eval_accuracy", []), ("tutorial_accuracy", ["--batch-statistics"])):
            evaluation = subprocess.run([binary, "evaluate", "--data", archive, "--weights", out + "/model.safetensors",
                                         "--threads", str(threads), "--device", device] + extra, env=env, capture_output=True, text=True)
            if evaluation.returncode != 0:
                sys.exit(f"tutorial.py: tapenet evaluate failed:\n{evaluation.stderr}")
            results[key] = float(re.search(r"Accuracy on test images: ([0-9.]+)%", evaluation.stdout).group(1))
        return results


def image_counts(archive):
    """(training images, test images) in a binary-release archive: its .bin sizes / 3,073 bytes."""
    import tarfile
    train = test = 0
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.name.endswith("test_batch.bin"):
                test += member.size // 3073
            elif member.name.endswith(".bin"):
                train += member.size // 3073
    return train, test


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default=os.environ.get(
        "TAPENET_CIFAR10", os.path.join(ROOT, "..", "shared", "data", "cifar-10-binary.tar.gz")))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--tapenet", default=os.path.join(ROOT, "build", "release", "examples", "cli", "tapenet"))
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--skip-torch", action="store_true")
    args = parser.parse_args()
    archive = os.path.abspath(args.archive)
    if not os.path.exists(archive):
        sys.exit(f"tutorial.py: no CIFAR-10 archive at {archive} (pass --archive)")
    train_images, test_images = image_counts(archive)
    print(f"{archive}: {train_images} training images, {test_images} test images", flush=True)
    print(f"tapenet: {args.epochs} epochs, batch 4, {args.threads} threads, {args.device}", flush=True)
    ours = run_tapenet(args.tapenet, archive, args.threads, args.epochs, args.device)
    print(f"tapenet: {ours}", flush=True)
    if args.skip_torch:
        return
    print(f"PyTorch: {args.epochs} epochs, batch 4, {args.threads} threads, {args.device}", flush=True)
    theirs = run_torch(archive, args.threads, args.epochs, args.device)
    print(f"PyTorch: {theirs}", flush=True)
    print(f"training wall time: tapenet {ours['seconds']:.0f} s, PyTorch {theirs['seconds']:.0f} s "
          f"(tapenet / PyTorch = {ours['seconds'] / theirs['seconds']:.2f})")
    if train_images < 50000:  # a subset (tools/gpu_check.sh's): the time grows with the step count
        scale = 50000 / train_images
        print(f"on all 50,000 training images that is about tapenet {ours['seconds'] * scale:.0f} s, "
              f"PyTorch {theirs['seconds'] * scale:.0f} s")
    print(f"test accuracy, the tutorial's way (batch statistics): tapenet {ours['tutorial_accuracy']:.2f}%, "
          f"PyTorch {theirs['tutorial_accuracy']:.2f}%")
    print(f"test accuracy, eval mode: tapenet {ours['eval_accuracy']:.2f}%, PyTorch {theirs['eval_accuracy']:.2f}%")


if __name__ == "__main__":
    main()
