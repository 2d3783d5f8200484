#pragma once
// `tapenet train`: the tutorial's training loop, with a progress bar, a test-set evaluation and a
// checkpoint at the end of every epoch, and `--resume` to continue a run exactly.
//   DIR/model.safetensors      the network (torchvision's key names)
//   DIR/optimizer.safetensors  SGD's momentum buffers and options
//   DIR/run.json               epoch, step, seed, hyper-parameters, dataset, architecture, class
//                              names, preprocessing (what `predict` reads), metrics, and the MD5 of
//                              both files (tapenet/io/checkpoint.hpp: how a kill never loses a run)
//   DIR/report.html            charts of the above and a predicted test batch (report.hpp)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "report.hpp"
#include "setup.hpp"

namespace cli {

using Clock = std::chrono::steady_clock;

// One line redrawn in place on a terminal; nothing at all when stdout is a file or a pipe.
class ProgressBar {
 public:
  ProgressBar() : enabled_(::isatty(STDOUT_FILENO)) {}
  void update(const std::string& text) {
    if (!enabled_ || Clock::now() - last_ < std::chrono::milliseconds(250)) return;
    last_ = Clock::now();
    std::printf("\r\033[K%s", text.c_str());
    std::fflush(stdout);
  }
  void clear() {
    if (enabled_) std::printf("\r\033[K");
  }

 private:
  bool enabled_;
  Clock::time_point last_{};
};

// counts[t][p]: how many test images of class t the network classed as p.
struct Confusion {
  std::vector<std::vector<std::int64_t>> counts;
  explicit Confusion(std::size_t classes)
      : counts(classes, std::vector<std::int64_t>(classes, 0)) {}
  std::int64_t correct(std::size_t c) const { return counts[c][c]; }
  std::int64_t total(std::size_t c) const {
    std::int64_t sum = 0;
    for (auto count : counts[c]) sum += count;
    return sum;
  }
  double overall() const {
    std::int64_t right = 0, all = 0;
    for (std::size_t c = 0; c < counts.size(); ++c) right += correct(c), all += total(c);
    return all > 0 ? 100.0 * double(right) / double(all) : 0.0;
  }
};

// Predictions over a whole dataset, in eval mode (BatchNorm's running statistics) unless
// `batch_statistics` asks for the tutorial's way (each test batch normalised by itself).
template <class Network, class Dataset>
Confusion measure_accuracy(Network& net, const Dataset& dataset, std::int64_t batch_size,
                           int workers, bool batch_statistics = false) {
  using B = typename Network::backend_type;
  net.train(batch_statistics);
  NoGradGuard no_grad;
  Confusion confusion(10);
  data::DataLoader loader(dataset, {.batch_size = batch_size, .num_workers = workers});
  for (auto& [images, labels] : loader) {
    auto predicted = argmax(net(Var<B>(images.template to<B>())).value(), 1).to_vector();
    auto truth = labels.to_vector();
    for (std::size_t k = 0; k < truth.size(); ++k) confusion.counts[truth[k]][predicted[k]] += 1;
  }
  net.train();
  return confusion;
}

// The first `count` images of a dataset, what they are and what the network (in eval mode) says.
struct PredictedBatch {
  Tensor<cpu> images;
  std::vector<std::int64_t> truth, predicted;

  // The images back in [0, 1] with "true class\npredicted class" under each.
  io::Image picture(const std::vector<std::string>& classes) const {
    std::vector<std::string> captions;
    for (std::size_t k = 0; k < truth.size(); ++k)
      captions.push_back(classes[truth[k]] + "\n" + classes[predicted[k]]);
    return draw::labelled_grid(draw::unnormalize(images, {0.5}, {0.5}), captions);
  }
};

template <class Network, class Dataset>
PredictedBatch predict_first_batch(Network& net, const Dataset& dataset, std::int64_t count) {
  using B = typename Network::backend_type;
  data::DataLoader loader(dataset, {.batch_size = count});
  auto [images, labels] = *loader.begin();
  const bool was_training = net.training;
  net.eval();
  NoGradGuard no_grad;
  PredictedBatch batch{images, labels.to_vector(),
                       argmax(net(Var<B>(images.template to<B>())).value(), 1).to_vector()};
  net.train(was_training);
  return batch;
}

// Options a resumed run takes from its run.json (flags given again on the command line win for
// --data and --epochs, the two a user may want to change).
inline void restore_options(Options& options, const nlohmann::json& run, bool data_given,
                            bool epochs_given) {
  try {
    const auto& h = run.at("hyperparameters");
    if (!data_given) options.data = run.at("data");
    if (!epochs_given) options.epochs = h.at("epochs");
    options.dataset = run.at("dataset");
    options.arch = run.at("arch");
    options.seed = run.at("seed");
    options.batch_size = h.at("batch_size");
    options.lr = h.at("lr");
    options.momentum = h.at("momentum");
    options.weight_decay = h.at("weight_decay");
    options.augment = h.at("augment");
    options.lr_schedule = h.value("lr_schedule", "constant");
  } catch (const nlohmann::json::exception& error) {
    fail(options.resume, "/run.json: missing or malformed field: ", error.what());
  }
}

template <Backend B>
int train_on(const Options& options, const nlohmann::json& run) {
  manual_seed(options.seed);  // the network's initial weights come from the seed
  auto net = make_network<B>(options.arch);
  nn::CrossEntropyLoss criterion;
  optim::SGD optimizer(
      net.parameters(),
      {.lr = options.lr, .momentum = options.momentum, .weight_decay = options.weight_decay});
  optim::CosineAnnealingLR schedule(optimizer, options.epochs);
  const bool cosine = options.lr_schedule == "cosine";
  std::int64_t first_epoch = 0, step = 0;
  if (!options.resume.empty()) {
    // A run saved before run.json kept the schedule's state stepped it once an epoch.
    if (cosine && run.contains("scheduler"))
      io::load_checkpoint(options.resume, net, optimizer, schedule);
    else
      io::load_checkpoint(options.resume, net, optimizer);
    first_epoch = run.at("epoch");
    step = run.at("step");
    if (cosine && !run.contains("scheduler")) schedule.resume(int(first_epoch), options.lr);
  }
  if (!options.out.empty()) std::filesystem::create_directories(options.out);

  return with_dataset(options, true, [&](auto& trainset, const std::vector<std::string>& classes) {
    return with_dataset(options, false, [&](auto& testset, const std::vector<std::string>&) {
      data::DataLoader trainloader(trainset, {.batch_size = options.batch_size,
                                              .shuffle = true,
                                              .num_workers = options.workers,
                                              .seed = options.seed});
      trainloader.set_epoch(first_epoch);
      nlohmann::json metrics = run.value("metrics", nlohmann::json::array());
      nlohmann::json losses = run.value("losses", nlohmann::json::array());
      ProgressBar bar;
      for (std::int64_t epoch = first_epoch; epoch < options.epochs; ++epoch) {
        const auto epoch_start = Clock::now();
        double running_loss = 0.0, epoch_loss = 0.0;
        std::int64_t i = 0;
        for (auto& [images, labels] : trainloader) {
          optimizer.zero_grad();
          auto loss = criterion(net(Var<B>(images.template to<B>())), labels.template to<B>());
          loss.backward();
          optimizer.step();
          const double value = loss.item();
          running_loss += value;
          epoch_loss += value;
          ++i, ++step;
          if (i % options.print_every == 0) {
            bar.clear();
            std::printf("[Epoch %lld, Batch %lld] loss: %.3f\n", static_cast<long long>(epoch + 1),
                        static_cast<long long>(i), running_loss / options.print_every);
            std::fflush(stdout);
            losses.push_back({{"step", step}, {"loss", running_loss / options.print_every}});
            running_loss = 0.0;
          }
          const double seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
          const double rate = double(i * options.batch_size) / std::max(seconds, 1e-9);
          const double eta =
              double(trainloader.size() - i) * options.batch_size / std::max(rate, 1e-9);
          char text[160];
          std::snprintf(text, sizeof text,
                        "epoch %lld/%d  batch %lld/%lld  %.0f img/s  loss %.3f  ETA %d:%02d",
                        static_cast<long long>(epoch + 1), options.epochs,
                        static_cast<long long>(i), static_cast<long long>(trainloader.size()), rate,
                        value, int(eta) / 60, int(eta) % 60);
          bar.update(text);
        }
        bar.clear();
        const double seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
        const double epoch_lr = optimizer.options.lr;
        if (cosine) schedule.step();
        Confusion accuracy = measure_accuracy(net, testset, 100, options.workers);
        std::printf("epoch %lld: train loss %.3f, test accuracy %.2f%% (%.1f s)\n",
                    static_cast<long long>(epoch + 1),
                    epoch_loss / double(std::max<std::int64_t>(i, 1)), accuracy.overall(), seconds);
        metrics.push_back({{"epoch", epoch + 1},
                           {"train_loss", epoch_loss / double(std::max<std::int64_t>(i, 1))},
                           {"test_accuracy", accuracy.overall()},
                           {"lr", epoch_lr},
                           {"confusion", accuracy.counts},
                           {"seconds", seconds}});
        if (!options.out.empty()) {
          nlohmann::json state = {{"epoch", epoch + 1},
                                  {"step", step},
                                  {"seed", options.seed},
                                  {"data", options.data},
                                  {"dataset", options.dataset},
                                  {"arch", options.arch},
                                  {"hyperparameters",
                                   {{"epochs", options.epochs},
                                    {"batch_size", options.batch_size},
                                    {"lr", options.lr},
                                    {"momentum", options.momentum},
                                    {"weight_decay", options.weight_decay},
                                    {"augment", options.augment},
                                    {"lr_schedule", options.lr_schedule},
                                    {"workers", options.workers}}},
                                  {"classes", classes},
                                  {"preprocessing", preprocessing_of(options.dataset).to_json()},
                                  {"metrics", metrics},
                                  {"losses", losses}};
          if (cosine)
            io::save_checkpoint(options.out, net, optimizer, schedule, state);
          else
            io::save_checkpoint(options.out, net, optimizer, state);
          write_file_atomically(
              options.out + "/report.html",
              report_html(state,
                          io::encode_png(predict_first_batch(net, testset, 8).picture(classes))));
        }
      }
      std::printf("Finished Training\n");
      return 0;
    });
  });
}

inline int train(Options options, bool data_given, bool epochs_given) {
  nlohmann::json run = nlohmann::json::object();
  if (!options.resume.empty()) {
    run = io::recover_checkpoint(options.resume);
    remove_unfinished_writes(options.resume + "/report.html");
    restore_options(options, run, data_given, epochs_given);
    if (options.out.empty()) options.out = options.resume;
  }
  if (options.epochs < 1 || options.batch_size < 1 || options.print_every < 1)
    fail("--epochs, --batch-size and --print-every must be at least 1");
  if (options.lr_schedule != "constant" && options.lr_schedule != "cosine")
    fail("--lr-schedule ", options.lr_schedule, ": expected constant or cosine");
  return on_device(options,
                   [&](auto backend) { return train_on<decltype(backend)>(options, run); });
}

}  // namespace cli
