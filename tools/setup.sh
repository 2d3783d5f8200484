#!/usr/bin/env bash
# Installs the Debian packages tapenet's build and tests need. Safe to run again: it installs only
# what is missing. Runs apt as root, or through sudo when you are not root.
#   TAPENET_SETUP=minimal  only what building and the core tests need (about 90 packages, not 520):
#                          the checks that need an optional tool then report themselves skipped.
set -euo pipefail

needed=(
  build-essential cmake ninja-build pkg-config  # compiler and build
  libeigen3-dev                                 # the CPU backend's matrix library
  libthrust-dev                                 # Thrust, for the GPU backend's code on the CPU
  libstb-dev                                    # image loading and writing
  nlohmann-json3-dev                            # safetensors' JSON header
  libcli11-dev                                  # the tapenet program's command line
  zlib1g-dev libcurl4-openssl-dev               # reading .gz datasets, downloading them
  catch2                                        # the tests
  dataset-fashion-mnist                         # a dataset that is always at hand offline
)
optional=(
  clang-format                                  # the formatting check
  chromium                                      # the test that opens report.html (160 packages)
  mkdocs mkdocs-material                        # the course as a website, checked for broken links
  python3-pymdownx libjs-katex                  # its maths, typeset offline
  python3-torchvision                           # the PyTorch round trip of a ResNet18 state dict
)                                               # (PyTorch brings 320 packages: OpenCV, GDAL, Qt)

case "${TAPENET_SETUP:-full}" in
  full) packages=("${needed[@]}" "${optional[@]}") ;;
  minimal) packages=("${needed[@]}") ;;
  *) echo "setup: TAPENET_SETUP=${TAPENET_SETUP}: expected full or minimal" >&2; exit 2 ;;
esac

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
