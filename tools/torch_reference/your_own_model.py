#!/usr/bin/python3
"""The README's "your own model" program, written in PyTorch, to compare the two line for line.

Run with Debian's PyTorch: /usr/bin/python3 tools/torch_reference/your_own_model.py
(reads Debian's Fashion-MNIST from /usr/share/datasets/fashion-mnist, writes into the current directory)
"""
import gzip, os, tempfile
import torch
from torch import nn
from torchvision import datasets, transforms
from torchvision.io import read_image, write_png, ImageReadMode

def make_net():  # 28×28 grey pictures in, 10 classes out
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 8×14×14
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16×7×7
                         nn.Flatten(), nn.Linear(16 * 7 * 7, 10))

# Not in the line count: torchvision reads ROOT/FashionMNIST/raw/, uncompressed; Debian's files are gzipped.
debian, root = "/usr/share/datasets/fashion-mnist", tempfile.mkdtemp()
os.makedirs(f"{root}/FashionMNIST/raw")
for name in os.listdir(debian):
    with gzip.open(f"{debian}/{name}") as packed, open(f"{root}/FashionMNIST/raw/{name[:-3]}", "wb") as out:
        out.write(packed.read())
transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
train_set = datasets.FashionMNIST(root, train=True, transform=transform)
test_set = datasets.FashionMNIST(root, train=False, transform=transform)
train_loader = torch.utils.data.DataLoader(train_set, batch_size=64, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=500)

net = make_net()
optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for batch, (images, labels) in enumerate(train_loader):
    optimizer.zero_grad()
    loss = criterion(net(images), labels)
    loss.backward()
    optimizer.step()
    if batch + 1 == 100: break  # 6,400 pictures: enough to learn, quick to test
torch.save(net.state_dict(), "fashion_cnn.pt")

trained = make_net()
trained.load_state_dict(torch.load("fashion_cnn.pt"))
trained.eval()
correct = 0
with torch.no_grad():
    for images, labels in test_loader:
        correct += (trained(images).argmax(1) == labels).sum().item()
    print(f"accuracy: {100 * correct / len(test_set):.1f}%")
    write_png(test_set.data[0].unsqueeze(0), "first_test_picture.png")
    picture = transform(read_image("first_test_picture.png", ImageReadMode.GRAY)[0].numpy())
    predicted = trained(picture.unsqueeze(0)).argmax(1).item()
    print(f"first_test_picture.png: {test_set.classes[predicted]}")
