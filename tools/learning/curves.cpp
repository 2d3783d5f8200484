// Learning curves of a small CNN on Fashion-MNIST, for chapter 7 of the course.
// Trains with the options given and prints one CSV row per evaluation:
//   epoch,step,lr,train_loss,train_accuracy,val_loss,val_accuracy,weight_norm
// train_loss is the mean loss of the batches since the previous row; train_accuracy is measured
// on (up to --eval-size of) the training images without augmentation; val_* on the validation
// images. The 60,000 training images are split: the first 50,000 are for training (the first
// --train-size of them are used), the last 10,000 for validation. The test set is used once, at
// the end, and printed as a comment line.
//
//   curves --lr 0.05 --momentum 0.9 --epochs 2 --eval-every 50 > run.csv
#include <tapenet/tapenet.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

using namespace tapenet;

namespace {

struct Options {
  double lr = 0.05, momentum = 0.0, weight_decay = 0.0;
  std::string schedule = "constant";  // constant, step (x0.1 every --step-size epochs), cosine
  int step_size = 1;
  std::int64_t train_size = 50000, eval_size = 10000, batch_size = 64;
  int epochs = 1;
  std::int64_t max_steps = 0;   // stop after this many steps (0: run every epoch)
  std::int64_t eval_every = 0;  // steps between rows (0: one row per epoch)
  bool augment = false;
  std::uint64_t seed = 0;
  int threads = 1;
  double min_test_accuracy = 0;  // exit with 1 below this (CTest's smoke test)
};

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "curves: %s\nusage: curves [--lr X] [--momentum X] [--weight-decay X]\n"
               "  [--schedule constant|step|cosine] [--step-size EPOCHS] [--train-size N]\n"
               "  [--eval-size N] [--batch-size N] [--epochs N] [--max-steps N]\n"
               "  [--eval-every STEPS] [--augment] [--seed N] [--threads N]\n"
               "  [--min-test-accuracy X]\n",
               problem.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  std::map<std::string, std::function<void(const std::string&)>> take = {
      {"--lr", [&](const std::string& v) { o.lr = std::stod(v); }},
      {"--momentum", [&](const std::string& v) { o.momentum = std::stod(v); }},
      {"--weight-decay", [&](const std::string& v) { o.weight_decay = std::stod(v); }},
      {"--schedule", [&](const std::string& v) { o.schedule = v; }},
      {"--step-size", [&](const std::string& v) { o.step_size = std::stoi(v); }},
      {"--train-size", [&](const std::string& v) { o.train_size = std::stoll(v); }},
      {"--eval-size", [&](const std::string& v) { o.eval_size = std::stoll(v); }},
      {"--batch-size", [&](const std::string& v) { o.batch_size = std::stoll(v); }},
      {"--epochs", [&](const std::string& v) { o.epochs = std::stoi(v); }},
      {"--max-steps", [&](const std::string& v) { o.max_steps = std::stoll(v); }},
      {"--eval-every", [&](const std::string& v) { o.eval_every = std::stoll(v); }},
      {"--seed", [&](const std::string& v) { o.seed = std::stoull(v); }},
      {"--threads", [&](const std::string& v) { o.threads = std::stoi(v); }},
      {"--min-test-accuracy", [&](const std::string& v) { o.min_test_accuracy = std::stod(v); }},
  };
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--augment") {
      o.augment = true;
    } else if (take.count(flag) && i + 1 < argc) {
      try {
        take[flag](argv[++i]);
      } catch (const std::exception&) {
        usage("bad value for " + flag);
      }
    } else {
      usage("unknown or incomplete option " + flag);
    }
  }
  if (o.train_size < 1 || o.train_size > 50000) usage("--train-size must be 1 to 50000");
  if (o.eval_size < 1 || o.eval_size > 10000) usage("--eval-size must be 1 to 10000");
  if (o.schedule != "constant" && o.schedule != "step" && o.schedule != "cosine")
    usage("--schedule must be constant, step or cosine");
  return o;
}

// The README's small CNN: 28x28 grey pictures in, 10 classes out.
auto make_net() {
  return nn::Sequential(nn::Conv2d<cpu>(1, 8, 3, {.conv = {.padding = 1}}), nn::ReLU<cpu>(),
                        nn::MaxPool2d<cpu>(2),  // 8x14x14
                        nn::Conv2d<cpu>(8, 16, 3, {.conv = {.padding = 1}}), nn::ReLU<cpu>(),
                        nn::MaxPool2d<cpu>(2),  // 16x7x7
                        nn::Flatten<cpu>(), nn::Linear<cpu>(16 * 7 * 7, 10));
}

// `count` consecutive examples of a dataset, starting at `first`: a split.
template <class D>
struct Slice {
  D dataset;
  std::int64_t first = 0, count = 0;
  std::int64_t size() const { return count; }
  auto get(std::int64_t index, Generator& generator) const {
    return dataset.get(first + index, generator);
  }
};

struct Measured {
  double loss = 0, accuracy = 0;
};

template <class Net, class D>
Measured measure(Net& net, const D& dataset) {
  NoGradGuard no_grad;
  net.eval();
  data::DataLoader loader(dataset, {.batch_size = 500});
  double loss_sum = 0;
  std::int64_t correct = 0;
  for (auto& [images, labels] : loader) {
    auto logits = net(Var<cpu>(images));
    loss_sum += cross_entropy(logits, labels).item() * double(labels.numel());
    correct += (argmax(logits.value(), 1) == labels).sum().item();
  }
  net.train();
  return {loss_sum / double(dataset.size()), double(correct) / double(dataset.size())};
}

// sqrt of the sum of every parameter squared: what weight decay pulls down.
template <class Net>
double weight_norm(Net& net) {
  double sum = 0;
  for (const auto& p : net.parameters())
    for (float v : p.value().to_vector()) sum += double(v) * v;
  return std::sqrt(sum);
}

auto plain() {
  return transforms::Compose(transforms::ToTensor(), transforms::Normalize({0.5}, {0.5}));
}

auto augmented() {  // shift by up to 2 pixels, mirror half the pictures
  return transforms::Compose(transforms::RandomCrop(28, 2), transforms::RandomHorizontalFlip(),
                             transforms::ToTensor(), transforms::Normalize({0.5}, {0.5}));
}

template <class TrainSet>
int run(const Options& o, const TrainSet& train_set,
        std::shared_ptr<const datasets::ImageSet> images,
        std::shared_ptr<const datasets::ImageSet> test) {
  datasets::LabelledImages<decltype(plain())> unaugmented(images, plain());
  Slice<decltype(unaugmented)> train_eval{unaugmented, 0, std::min(o.train_size, o.eval_size)};
  Slice<decltype(unaugmented)> validation{unaugmented, 50000, o.eval_size};

  manual_seed(o.seed);  // the initial weights
  auto net = make_net();
  optim::SGD<cpu> optimizer(net.parameters(),
                            {.lr = o.lr, .momentum = o.momentum, .weight_decay = o.weight_decay});
  optim::StepLR step_schedule(optimizer, o.step_size, 0.1);
  optim::CosineAnnealingLR cosine_schedule(optimizer, o.epochs);
  data::DataLoader loader(train_set, {.batch_size = o.batch_size, .shuffle = true, .seed = o.seed});
  nn::CrossEntropyLoss criterion;

  std::printf("epoch,step,lr,train_loss,train_accuracy,val_loss,val_accuracy,weight_norm\n");
  std::int64_t step = 0, batches_since_row = 0;
  double loss_since_row = 0;
  bool finite = true;
  auto row = [&](int epoch) {
    auto on_train = measure(net, train_eval);
    auto on_validation = measure(net, validation);
    std::printf("%d,%lld,%.6g,%.5f,%.4f,%.5f,%.4f,%.4f\n", epoch, static_cast<long long>(step),
                optimizer.options.lr, loss_since_row / double(batches_since_row), on_train.accuracy,
                on_validation.loss, on_validation.accuracy, weight_norm(net));
    std::fflush(stdout);
    loss_since_row = 0;
    batches_since_row = 0;
  };
  for (int epoch = 0; epoch < o.epochs && finite; ++epoch) {
    loader.set_epoch(epoch);
    for (auto& [inputs, labels] : loader) {
      optimizer.zero_grad();
      auto loss = criterion(net(Var<cpu>(inputs)), labels);
      loss.backward();
      optimizer.step();
      ++step;
      loss_since_row += loss.item();
      ++batches_since_row;
      if (!std::isfinite(loss.item())) finite = false;  // diverged: nothing more to learn
      if ((o.eval_every > 0 && step % o.eval_every == 0) || !finite) row(epoch + 1);
      if (!finite || (o.max_steps > 0 && step >= o.max_steps)) break;
    }
    if (o.eval_every == 0 && finite) row(epoch + 1);
    if (o.max_steps > 0 && step >= o.max_steps) break;
    if (o.schedule == "step") step_schedule.step();
    if (o.schedule == "cosine") cosine_schedule.step();
  }
  datasets::LabelledImages<decltype(plain())> test_set(test, plain());
  auto on_test = measure(net, test_set);
  std::printf("# test accuracy %.4f (10000 test images)\n", on_test.accuracy);
  if (on_test.accuracy < o.min_test_accuracy) {
    std::fprintf(stderr, "curves: test accuracy %.4f is below --min-test-accuracy %.4f\n",
                 on_test.accuracy, o.min_test_accuracy);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  set_num_threads(o.threads);
  const std::string root = datasets::fashion_mnist::debian_root;
  auto images = datasets::fashion_mnist::load(root, true);
  auto test = datasets::fashion_mnist::load(root, false);
  if (o.augment) {
    datasets::LabelledImages<decltype(augmented())> all(images, augmented());
    return run(o, Slice<decltype(all)>{all, 0, o.train_size}, images, test);
  }
  datasets::LabelledImages<decltype(plain())> all(images, plain());
  return run(o, Slice<decltype(all)>{all, 0, o.train_size}, images, test);
}
