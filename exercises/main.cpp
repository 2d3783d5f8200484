// Catch's main for every exercise, compiled once, plus a scoreboard: after Catch's own report of
// what failed and why, one line per check says PASS or FAIL.
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_CONSOLE_WIDTH 120  // wide enough that most messages keep their numbers whole
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace {

class Scoreboard : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    results_.emplace_back(stats.testInfo.name, stats.totals.assertions.failed == 0);
  }

  void testRunEnded(const Catch::TestRunStats&) override {
    if (results_.empty()) return;
    std::size_t passed = 0;
    for (const auto& result : results_) passed += result.second ? 1 : 0;
    std::string program = m_config->name();  // the program's path: exercise_<name>[_solution]
    program = program.substr(program.find_last_of('/') + 1);
    std::printf("\n%s: %zu of %zu checks pass\n", program.c_str(), passed, results_.size());
    for (const auto& [name, ok] : results_)
      std::printf("  %s  %s\n", ok ? "PASS" : "FAIL", name.c_str());
    std::printf("\n");
    std::fflush(stdout);
  }

 private:
  std::vector<std::pair<std::string, bool>> results_;
};

}  // namespace

CATCH_REGISTER_LISTENER(Scoreboard)
