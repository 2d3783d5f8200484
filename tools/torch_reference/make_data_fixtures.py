#!/usr/bin/python3
"""Writes the data-pipeline fixtures: tests/fixtures/data.txt and tests/fixtures/images/.

Run with Debian's PyTorch:  /usr/bin/python3 tools/torch_reference/make_data_fixtures.py
Same line format as make_fixtures.py; images are int64 tensors of shape H x W x C (PIL's layout).
  resize_*, center_crop_*   an input image and what torchvision's transform makes of it (PIL path)
  to_tensor_normalize       ToTensor + Normalize on an image
  grid_*                    torchvision.utils.make_grid on a batch
  decode_*                  what PIL's Image.open(file).convert('RGB') reads from images/<file>
  decode_grey_*             the same files read with convert('L')
  grayscale*                torchvision's Grayscale(1 or 3) on PIL images (RGB, RGBA) and on a
                            float tensor C x H x W (rgb_to_grayscale)
"""
import io
import numpy as np
import torch
import torchvision
import torchvision.transforms as T
from PIL import Image

from make_fixtures import FIXTURES, tensor_line


def image_line(name, image):
    return tensor_line(name, torch.from_numpy(np.asarray(image).astype(np.int64)))


def smooth_noisy_image(rng, height, width, mode):
    """A gradient with noise: smooth enough that resizing matters, rough enough to test rounding."""
    y, x = np.mgrid[0:height, 0:width]
    channels = 1 if mode == "L" else 3
    planes = [(x * (c + 1) * 7 + y * (3 - c) * 5) % 256 for c in range(channels)]
    pixels = np.stack(planes, axis=-1) + rng.integers(-40, 40, (height, width, channels))
    pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels[..., 0] if mode == "L" else pixels, mode)


def transform_fixtures(rng):
    lines = []
    cases = {  # name: (height, width, mode, transform)
        "resize_down_rgb": (37, 23, "RGB", T.Resize((32, 32))),
        "resize_shorter_side": (50, 80, "RGB", T.Resize(24)),
        "resize_shorter_side_tall": (90, 40, "RGB", T.Resize(16)),
        "resize_up": (20, 30, "RGB", T.Resize((48, 64))),
        "resize_grey": (45, 45, "L", T.Resize((32, 32))),
        "resize_large_factor": (120, 200, "RGB", T.Resize((32, 32))),
        "resize_one_axis": (32, 70, "RGB", T.Resize((32, 32))),
        "center_crop_odd": (37, 23, "RGB", T.CenterCrop(20)),
        "center_crop_rect": (30, 30, "RGB", T.CenterCrop((17, 12))),
        "center_crop_pads": (11, 14, "RGB", T.CenterCrop(16)),
    }
    for name, (height, width, mode, transform) in cases.items():
        image = smooth_noisy_image(rng, height, width, mode)
        lines.append(image_line(f"{name}.input", image))
        lines.append(image_line(f"{name}.output", transform(image)))

    image = smooth_noisy_image(rng, 5, 7, "RGB")
    lines.append(image_line("to_tensor_normalize.input", image))
    normalize = T.Compose([T.ToTensor(), T.Normalize((0.4914, 0.4822, 0.4465), (0.247, 0.243, 0.261))])
    lines.append(tensor_line("to_tensor_normalize.output", normalize(image)))

    torch.manual_seed(3)
    grids = {  # name: (batch, make_grid arguments)
        "grid_default": (torch.rand(5, 3, 4, 6), dict()),
        "grid_nrow2_pad1": (torch.rand(5, 3, 3, 2), dict(nrow=2, padding=1, pad_value=0.5)),
        "grid_grey": (torch.rand(3, 1, 4, 4), dict(nrow=8, padding=2)),
        "grid_single": (torch.rand(1, 3, 4, 5), dict()),
    }
    for name, (batch, kwargs) in grids.items():
        lines.append(tensor_line(f"{name}.input", batch))
        lines.append(tensor_line(f"{name}.output", torchvision.utils.make_grid(batch, **kwargs)))
    return lines


def image_file_fixtures(rng):
    """Small files in formats the C++ side cannot write itself, and what PIL decodes from them."""
    folder = FIXTURES / "images"
    folder.mkdir(exist_ok=True)
    lines = []
    rgb = smooth_noisy_image(rng, 9, 13, "RGB")
    files = {
        "palette.gif": rgb.quantize(colors=16),
        "rgb.bmp": rgb,
        "rgba.tga": rgb.convert("RGBA"),
        "grey.jpg": smooth_noisy_image(rng, 16, 16, "L"),
        "rgb.jpg": smooth_noisy_image(rng, 16, 24, "RGB"),
        "grey16.png": Image.fromarray((np.arange(6 * 7).reshape(6, 7) * 1500).astype(np.uint16)),
    }
    for file, image in files.items():
        buffer = io.BytesIO()
        image.save(buffer, format={"gif": "GIF", "bmp": "BMP", "tga": "TGA", "jpg": "JPEG",
                                   "png": "PNG"}[file.split(".")[1]], **({"quality": 95} if file.endswith("jpg") else {}))
        (folder / file).write_bytes(buffer.getvalue())
        lines.append(image_line(f"decode_{file.replace('.', '_')}", decode(folder / file).convert("RGB")))
    return lines


def decode(path):
    """The file as PIL opens it, but 16-bit grey as load_image reads it: PIL's convert('RGB') and
    convert('L') clip its samples to 0..255, load_image keeps their high byte."""
    decoded = Image.open(path)
    if decoded.mode in ("I", "I;16"):
        array = (np.asarray(decoded).astype(np.int64) >> 8).astype(np.uint8)
        decoded = Image.fromarray(array, "L")
    return decoded


def grayscale_fixtures(rng):
    """convert('L') of every fixture file, and torchvision's Grayscale on images and tensors."""
    lines = []
    for path in sorted((FIXTURES / "images").iterdir()):
        lines.append(image_line(f"decode_grey_{path.name.replace('.', '_')}", decode(path).convert("L")))
    rgb = smooth_noisy_image(rng, 9, 11, "RGB")
    lines.append(image_line("grayscale.input", rgb))
    lines.append(image_line("grayscale.output", T.Grayscale()(rgb)))
    lines.append(image_line("grayscale3.output", T.Grayscale(num_output_channels=3)(rgb)))
    rgba = np.dstack([np.asarray(smooth_noisy_image(rng, 6, 5, "RGB")),
                      rng.integers(0, 256, (6, 5)).astype(np.uint8)])
    lines.append(image_line("grayscale_rgba.input", Image.fromarray(rgba, "RGBA")))
    lines.append(image_line("grayscale_rgba.output", T.Grayscale()(Image.fromarray(rgba, "RGBA"))))
    torch.manual_seed(11)
    tensor = torch.rand(3, 6, 7)
    lines.append(tensor_line("grayscale_tensor.input", tensor))
    lines.append(tensor_line("grayscale_tensor.output", T.Grayscale()(tensor)))
    lines.append(tensor_line("grayscale3_tensor.output", T.Grayscale(num_output_channels=3)(tensor)))
    return lines


def main():
    rng = np.random.default_rng(7)
    header = (f"# written by tools/torch_reference/make_data_fixtures.py with torch {torch.__version__}, "
              f"torchvision {torchvision.__version__}; do not edit")
    lines = [header] + transform_fixtures(rng) + image_file_fixtures(rng) + grayscale_fixtures(rng)
    (FIXTURES / "data.txt").write_text("\n".join(lines) + "\n")
    print(f"wrote {FIXTURES / 'data.txt'} and {FIXTURES / 'images'}/")


if __name__ == "__main__":
    main()
