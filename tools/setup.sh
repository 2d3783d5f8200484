#!/usr/bin/env bash
# Installs the Debian packages tapenet's build and tests need. Safe to run again: it installs only
# what is missing. Runs apt as root, or through sudo when you are not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config  # compiler and build
  libeigen3-dev                                 # the CPU backend's matrix library
  libthrust-dev libcub-dev                      # Thrust, for the GPU backend's code on the CPU
  libstb-dev                                    # image loading and writing
  nlohmann-json3-dev                            # safetensors' JSON header
  libcli11-dev                                  # the tapenet program's command line
  chromium                                      # the test that opens report.html
  zlib1g-dev libcurl4-openssl-dev               # reading .gz datasets, downloading them
  dataset-fashion-mnist                         # a dataset that is always at hand offline
  catch2 clang-format                           # the tests, and the formatting check
  mkdocs mkdocs-material                        # the course as a website, checked for broken links
  python3-torchvision                           # the PyTorch round trip of a ResNet18 state dict
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
