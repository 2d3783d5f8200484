// Tutorial step 9: classify a picture of your own.
//   image = Image.open(path).convert('RGB')
//   transform = transforms.Compose([transforms.Resize((32, 32)), transforms.ToTensor(),
//                                   transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
//   _, predicted = torch.max(net(transform(image).unsqueeze(0)), 1)
//   print('Prediction:', classes[predicted])
// usage: 09_predict_image IMAGE...   (PNG, JPEG, BMP, GIF or TGA; reads ./cifar_net.safetensors)
#include <cstdio>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

int main(int argc, char** argv) try {
  if (argc < 2) fail("usage: 09_predict_image IMAGE...");
  const char* classes[] = {"plane", "car",  "bird",  "cat",  "deer",
                           "dog",   "frog", "horse", "ship", "truck"};
  auto transform = transforms::Compose(transforms::Resize(32, 32), transforms::ToTensor(),
                                       transforms::Normalize({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}));
  auto net = models::resnet18<cpu>(10);
  io::load_state_dict(net, "./cifar_net.safetensors");
  net.eval();  // one image at a time: BatchNorm must use its running statistics
  NoGradGuard no_grad;
  for (int i = 1; i < argc; ++i) {
    Tensor<cpu> image = transform(io::load_image(argv[i]));
    auto logits = net(Var<cpu>(image.unsqueeze(0))).value();  // a batch of one: [1, 3, 32, 32]
    std::printf("Prediction: %s\n", classes[argmax(logits, 1).item()]);
  }
} catch (const std::exception& error) {
  std::fprintf(stderr, "%s\n", error.what());
  return 1;
}
