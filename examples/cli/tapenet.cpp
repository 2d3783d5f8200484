// The `tapenet` program: PyTorch's CIFAR-10 tutorial as one command-line tool.
//   tapenet train [--epochs 2 --batch-size 4 --lr 0.001 --momentum 0.9 ...] [--out DIR]
//   tapenet evaluate --weights FILE        accuracy on the test set, per class too
//   tapenet predict --weights FILE IMAGE...  the class of your own pictures (setup from run.json)
//   tapenet show-batch --weights FILE      a test batch: GroundTruth / Predicted, and a PNG
//   tapenet download --data DIR            fetch CIFAR-10
//   tapenet info                           backend, threads, build
// Every error ends the program with one line on stderr and exit status 1.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "train.hpp"

namespace cli {

// What the run that saved --weights recorded in the run.json beside them: the architecture, the
// class names and the preprocessing. Without a run.json: --arch, CIFAR-10's names and its
// preprocessing (resizing to 32x32).
struct RunSetup {
  std::string run_json;  // the file looked for
  bool found = false;
  std::string arch, arch_source;  // arch_source: "--arch" or the run.json
  std::vector<std::string> classes = cifar10_classes;
  Preprocessing preprocessing;
};

inline RunSetup run_setup(const Options& options) {
  if (options.weights.empty())
    fail("--weights FILE is required (written by `tapenet train --out DIR`)");
  const std::string parent = std::filesystem::path(options.weights).parent_path().string();
  const std::string folder = parent.empty() ? "." : parent;
  RunSetup setup;
  setup.run_json = folder + "/run.json";
  setup.arch = options.arch;
  setup.arch_source = "--arch";
  if (!std::filesystem::exists(setup.run_json)) return setup;
  setup.found = true;
  const nlohmann::json run = io::read_run_json(folder);
  try {
    if (!options.arch_given) {
      setup.arch = run.at("arch").get<std::string>();
      setup.arch_source = setup.run_json;
    }
    setup.classes = run.at("classes").get<std::vector<std::string>>();
    setup.preprocessing = run.contains("preprocessing")
                              ? Preprocessing::from_json(run.at("preprocessing"), setup.run_json)
                              : preprocessing_of(run.at("dataset"));  // runs saved before it
  } catch (const nlohmann::json::exception& error) {
    fail(setup.run_json, ": missing or malformed field: ", error.what());
  }
  return setup;
}

// The network of setup.arch with the weights of --weights. Weights of another architecture are
// refused with both architectures named.
template <Backend B>
models::ResNet<B> load_network(const Options& options, const RunSetup& setup) {
  auto net = make_network<B>(setup.arch);
  try {
    io::load_state_dict(net, options.weights);
  } catch (const Error& error) {
    for (const std::string other : {"resnet18", "resnet18-cifar"}) {
      if (other == setup.arch) continue;
      auto candidate = make_network<cpu>(other);
      bool fits = true;
      try {
        io::load_state_dict(candidate, options.weights);
      } catch (const Error&) {
        fits = false;
      }
      if (fits)
        fail(options.weights, ": these are the weights of a ", other, ", not of a ", setup.arch,
             ", the architecture ", setup.arch_source, " names (pass --arch ", other, ")");
    }
    fail(error.what(), " (is ", setup.arch, ", from ", setup.arch_source,
         ", the architecture these weights were trained as?)");
  }
  return net;
}

template <Backend B>
int evaluate(const Options& options, bool batch_statistics) {
  auto net = load_network<B>(options, run_setup(options));
  return with_dataset(options, false, [&](auto& testset, const std::vector<std::string>& classes) {
    Confusion accuracy =
        measure_accuracy(net, testset, options.batch_size, options.workers, batch_statistics);
    std::printf("Accuracy on test images: %.2f%%\n", accuracy.overall());
    for (std::size_t c = 0; c < classes.size(); ++c)
      if (accuracy.total(c) > 0)
        std::printf("Accuracy for class: %-5s is %.1f %%\n", classes[c].c_str(),
                    100.0 * double(accuracy.correct(c)) / double(accuracy.total(c)));
    return 0;
  });
}

template <Backend B>
int predict(const Options& options, const std::vector<std::string>& images, bool json, int topk) {
  const RunSetup setup = run_setup(options);
  if (!setup.found)
    std::fprintf(stderr,
                 "tapenet: note: no %s beside the weights, so using --arch %s, CIFAR-10's class "
                 "names and resizing to 32x32\n",
                 setup.run_json.c_str(), setup.arch.c_str());
  auto net = load_network<B>(options, setup);
  net.eval();
  const std::vector<std::string>& classes = setup.classes;
  if (topk < 1 || topk > static_cast<int>(classes.size()))
    fail("--topk ", topk, ": expected 1 to ", classes.size());
  NoGradGuard no_grad;
  for (const std::string& file : images) {
    Tensor<cpu> image = setup.preprocessing(io::load_image(file));
    auto p = softmax(net(Var<B>(image.unsqueeze(0).to<B>())).value(), 1).to_vector();
    if (p.size() != classes.size())
      fail(setup.run_json, ": names ", count(classes.size(), "class", "classes"),
           ", but the network gives ", count(p.size(), "score"));
    std::vector<std::size_t> order(p.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return p[a] > p[b]; });
    if (json) {
      nlohmann::json line = {{"file", file}, {"class", classes[order[0]]}};
      for (std::size_t i = 0; i < p.size(); ++i) line["probabilities"][classes[i]] = p[i];
      if (topk > 1)
        for (int k = 0; k < topk; ++k)
          line["top"].push_back({{"class", classes[order[k]]}, {"probability", p[order[k]]}});
      std::printf("%s\n", line.dump().c_str());
    } else {
      std::printf("Prediction: %s", classes[order[0]].c_str());
      for (int k = 1; k < topk; ++k)
        std::printf(", then %s (%.1f%%)", classes[order[k]].c_str(), 100 * p[order[k]]);
      std::printf("\n");
    }
  }
  return 0;
}

template <Backend B>
int show_batch(const Options& options, const std::string& png) {
  auto net = load_network<B>(options, run_setup(options));
  return with_dataset(options, false, [&](auto& testset, const std::vector<std::string>& classes) {
    PredictedBatch batch = predict_first_batch(net, testset, options.batch_size);
    std::printf("GroundTruth: ");
    for (auto label : batch.truth) std::printf(" %-5s", classes[label].c_str());
    std::printf("\nPredicted: ");
    for (auto label : batch.predicted) std::printf(" %-5s", classes[label].c_str());
    std::printf("\n");
    io::save_png(batch.picture(classes), png);
    std::printf("wrote %s\n", png.c_str());
    return 0;
  });
}

inline int info() {
  std::printf("tapenet %s\n", "0.1.0");
  std::printf("backend: cpu (Eigen %d.%d.%d, OpenMP)\n", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
              EIGEN_MINOR_VERSION);
  std::printf("threads: %d\n", get_num_threads());
#if defined(__CUDACC__)
  if (tapenet::cuda::is_available()) {
    cudaDeviceProp device{};
    cudaGetDeviceProperties(&device, 0);
    std::printf("cuda: available: %s, %.0f GiB, compute capability %d.%d (CUDA %d.%d)\n",
                device.name, double(device.totalGlobalMem) / double(1 << 30), device.major,
                device.minor, CUDART_VERSION / 1000, CUDART_VERSION % 1000 / 10);
  } else {
    std::printf("cuda: not available (no CUDA device or driver on this machine)\n");
  }
#else
  std::printf("cuda: not available (this program was compiled without nvcc)\n");
#endif
#ifdef NDEBUG
  std::printf("build: optimised (NDEBUG), %s\n", __VERSION__);
#else
  std::printf("build: debug, %s\n", __VERSION__);
#endif
#ifdef TAPENET_HAS_CURL
  std::printf("downloads: libcurl\n");
#else
  std::printf("downloads: not available (built without libcurl)\n");
#endif
  return 0;
}

}  // namespace cli

int main(int argc, char** argv) {
  cli::Options options;
  CLI::App app{"tapenet: PyTorch's CIFAR-10 tutorial (ResNet18) in C++"};
  app.require_subcommand(1);

  auto add_data = [&](CLI::App* command) {
    command
        ->add_option("--data", options.data,
                     "CIFAR-10 folder or .tar.gz (Fashion-MNIST: its folder)")
        ->capture_default_str();
    command->add_option("--dataset", options.dataset, "cifar10 or fashion-mnist")
        ->capture_default_str();
    command->add_flag("--download", options.download,
                      "fetch CIFAR-10 into --data when it is not there");
    command->add_option("--workers", options.workers, "loader threads")->capture_default_str();
  };
  // Commands that read --weights take the architecture from the run.json beside them.
  auto add_model = [&](CLI::App* command, bool from_run) {
    if (from_run)
      command->add_option("--arch", options.arch,
                          "resnet18 or resnet18-cifar (default: the one the run.json beside "
                          "--weights names, else resnet18)");
    else
      command->add_option("--arch", options.arch, "resnet18 or resnet18-cifar")
          ->capture_default_str();
    command->add_option("--device", options.device, "cpu, cuda or auto")->capture_default_str();
    command->add_option("--threads", options.threads, "compute threads (0: all cores)")
        ->capture_default_str();
  };

  auto* train = app.add_subcommand("train", "train on the training set (the tutorial's loop)");
  add_data(train);
  add_model(train, false);
  train->add_option("--epochs", options.epochs)->capture_default_str();
  train->add_option("--batch-size", options.batch_size)->capture_default_str();
  train->add_option("--lr", options.lr)->capture_default_str();
  train->add_option("--momentum", options.momentum)->capture_default_str();
  train->add_option("--weight-decay", options.weight_decay)->capture_default_str();
  train->add_flag("--augment", options.augment, "RandomCrop(32, padding 4) and random flips");
  train
      ->add_option("--lr-schedule", options.lr_schedule,
                   "constant, or cosine: lr falls along half a cosine, stepped once per epoch")
      ->capture_default_str();
  train->add_option("--seed", options.seed, "initial weights, shuffling and augmentation")
      ->capture_default_str();
  train->add_option("--out", options.out,
                    "folder for model.safetensors, optimizer.safetensors, run.json");
  train->add_option("--resume", options.resume, "continue the run saved in this folder");
  train->add_option("--print-every", options.print_every, "batches between loss lines")
      ->capture_default_str();

  bool batch_statistics = false;
  auto* evaluate = app.add_subcommand("evaluate", "accuracy on the test set, in eval mode");
  add_data(evaluate);
  add_model(evaluate, true);
  evaluate->add_option("--weights", options.weights, "model.safetensors")->required();
  evaluate->add_option("--batch-size", options.batch_size)->capture_default_str();
  evaluate->add_flag(
      "--batch-statistics", batch_statistics,
      "normalise each test batch by itself, as the tutorial's loop (no net.eval()) does");

  std::vector<std::string> images;
  bool json = false;
  int topk = 1;
  auto* predict = app.add_subcommand(
      "predict", "classify images with a network `tapenet train --out DIR` saved");
  predict->footer(
      "Serves the networks `tapenet train` trains: resnet18 or resnet18-cifar, 10 classes, on\n"
      "CIFAR-10 or Fashion-MNIST. The architecture, the class names and the preprocessing (a\n"
      "Fashion-MNIST run's photos go to grey, 28x28, padded to 32x32) come from DIR/run.json\n"
      "beside --weights. Without one, predict says so and uses --arch, CIFAR-10's class names\n"
      "and resizing to 32x32.");
  add_model(predict, true);
  predict->add_option("--weights", options.weights, "model.safetensors")->required();
  predict->add_flag("--json", json, "one JSON object per image, with every class's probability");
  predict->add_option("--topk", topk, "also show the next likeliest classes")
      ->capture_default_str();
  predict->add_option("images", images, "PNG, JPEG, BMP, GIF or TGA files")->required();

  std::string png = "test_batch.png";
  auto* show = app.add_subcommand("show-batch", "the first test batch, labelled, as a PNG");
  add_data(show);
  add_model(show, true);
  show->add_option("--weights", options.weights, "model.safetensors")->required();
  show->add_option("--batch-size", options.batch_size)->capture_default_str();
  show->add_option("--png", png, "where to write the picture")->capture_default_str();

  auto* download =
      app.add_subcommand("download", "fetch CIFAR-10 into --data (checked against its MD5)");
  download->add_option("--data", options.data, "the folder to put cifar-10-binary.tar.gz in")
      ->capture_default_str();

  app.add_subcommand("info", "backend, threads, build");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  for (CLI::App* command : {evaluate, predict, show})
    if (command->count("--arch") > 0) options.arch_given = true;
  try {
    if (*train)
      return cli::train(options, train->count("--data") > 0, train->count("--epochs") > 0);
    auto run = [&](auto backend) {
      using B = decltype(backend);
      if (*evaluate) return cli::evaluate<B>(options, batch_statistics);
      if (*predict) return cli::predict<B>(options, images, json, topk);
      return cli::show_batch<B>(options, png);
    };
    if (*evaluate || *predict || *show) return cli::on_device(options, run);
    if (*download) {
      tapenet::datasets::CIFAR10 check(options.data, {.train = false, .download = true});
      std::printf("CIFAR-10 is in %s (%lld test images read back)\n", options.data.c_str(),
                  static_cast<long long>(check.size()));
      return 0;
    }
    return cli::info();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tapenet: %s\n", error.what());
    return 1;
  }
}
