// busy-schedule.svg: two threads run four parallel jobs on a 2-core machine where a third program
// takes turns with them. Top: each job split in two fixed halves (OpenMP's static schedule), ending
// at a barrier. Bottom: tapenet's pool, each thread with its share of every job (one chunk); a
// thread that has finished its own share takes a share nobody has started, and the caller returns
// when every share is done. In both, only the caller (thread 0) can post the next job. Both
// timelines are simulated here, step by step, with the same turns of the third program. A
// schematic, not a measurement.
//   figure_busy_schedule docs/images/busy-schedule.svg
#include <string>
#include <vector>

#include "svg.hpp"

using namespace figures;

namespace {

constexpr int threads = 2, jobs = 4;
constexpr int share_steps = 4;  // time steps of one thread's share of a job

// When the third program has a thread's core: [begin, end) in time steps, the same in both
// timelines. The first takes the worker in the middle of its share, the second the caller
// between two jobs, the third the worker before a job starts.
struct Turn {
  int thread, begin, end;
};
const std::vector<Turn> turns = {{1, 2, 7}, {0, 9, 12}, {1, 16, 25}};

bool switched_out(int thread, int t) {
  for (const Turn& turn : turns)
    if (turn.thread == thread && t >= turn.begin && t < turn.end) return true;
  return false;
}

enum class Doing { work, wait, out };
struct Step {
  Doing doing;
  int job = -1, share = -1;
};
struct Timeline {
  std::vector<std::vector<Step>> steps;  // [thread][time step]
  std::vector<int> job_ends;             // the time step at which each job is over
};

// Runs the four jobs. At each step a thread with a core goes on with the share it has started;
// else it starts its own share if nobody has, or (when `take_others`) another share nobody has
// started; else it waits. A job is over when both shares are done, and the next one is posted at
// the first step after that at which thread 0 has a core.
Timeline simulate(bool take_others) {
  Timeline timeline{std::vector<std::vector<Step>>(threads), {}};
  auto& line = timeline.steps;
  std::vector<int> done(threads, 0);      // per share: the steps of it done
  std::vector<bool> started(threads);     // per share: somebody has started it
  std::vector<int> running(threads, -1);  // per thread: the share it is on, or -1
  int job = 0;
  for (int t = 0;; ++t) {
    bool over = done[0] == share_steps && done[1] == share_steps;
    if (over && !switched_out(0, t)) {  // thread 0 returns from the job and posts the next one
      timeline.job_ends.push_back(t);
      if (++job == jobs) break;
      done.assign(threads, 0), started.assign(threads, false), running.assign(threads, -1);
      over = false;
    }
    for (int k = 0; k < threads; ++k) {
      if (switched_out(k, t)) {
        line[k].push_back({Doing::out});
        continue;
      }
      if (running[k] >= 0 && done[std::size_t(running[k])] == share_steps) running[k] = -1;
      for (int i = 0; running[k] < 0 && !over && i < (take_others ? threads : 1); ++i) {
        int share = (k + i) % threads;  // its own share first, then the others
        if (!started[std::size_t(share)]) started[std::size_t(share)] = true, running[k] = share;
      }
      if (running[k] >= 0) {
        ++done[std::size_t(running[k])];
        line[k].push_back({Doing::work, job, running[k]});
      } else {
        line[k].push_back({Doing::wait});
      }
    }
  }
  return timeline;
}

const char* job_fill[jobs] = {colour::light_blue, colour::light_orange, colour::light_green,
                              colour::light_purple};
const char* job_stroke[jobs] = {colour::blue, colour::orange, colour::green, colour::purple};

constexpr double left = 150, unit = 24, row = 30, row_gap = 10;

// Draws one timeline with its top at y.
void draw_timeline(Svg& svg, const Timeline& timeline, double y, bool shares) {
  const auto& line = timeline.steps;
  const int length = timeline.job_ends.back();
  for (int k = 0; k < threads; ++k) {
    const double ry = y + k * (row + row_gap);
    svg.text(left - 10, ry + row / 2 + 4, k == 0 ? "thread 0 (caller)" : "thread 1",
             {.size = 12, .anchor = "end"});
    for (int t = 0; t < length; ++t) {
      const Doing doing = line[k][std::size_t(t)].doing;
      const double x = left + t * unit;
      if (doing == Doing::out) {
        svg.rect(x, ry, unit, row, {.fill = colour::grey, .stroke = "none"});
        svg.line(x, ry + row, x + unit, ry, {.stroke = colour::muted, .stroke_width = 0.8});
      } else if (doing == Doing::wait) {
        svg.rect(
            x + 1, ry + 1, unit - 2, row - 2,
            {.fill = colour::paper, .stroke = colour::orange, .stroke_width = 1, .dash = "3 2"});
      }
    }
    // work: one box per uninterrupted run of a thread on one share of one job
    for (int t = 0; t < length;) {
      const Step& step = line[k][std::size_t(t)];
      if (step.doing != Doing::work) {
        ++t;
        continue;
      }
      int end = t + 1;
      while (end < length && line[k][std::size_t(end)].doing == Doing::work &&
             line[k][std::size_t(end)].job == step.job &&
             line[k][std::size_t(end)].share == step.share)
        ++end;
      svg.rect(left + t * unit, ry, (end - t) * unit, row,
               {.fill = job_fill[step.job], .stroke = job_stroke[step.job], .stroke_width = 1});
      svg.centred_text(
          left + t * unit, ry, (end - t) * unit, row,
          shares ? "share " + std::to_string(step.share) : "job " + std::to_string(step.job + 1),
          {.size = shares ? 10.0 : 11.0});
      t = end;
    }
  }
  // where each job ends: the barrier (top), the caller's return (bottom)
  for (int end : timeline.job_ends)
    svg.line(left + end * unit, y - 6, left + end * unit, y + threads * row + row_gap + 6,
             {.stroke = colour::ink, .stroke_width = 2});
  svg.text(left + length * unit + 8, y + row + 10, "done at " + std::to_string(length),
           {.size = 12, .bold = true});
}

}  // namespace

int main(int argc, char** argv) {
  const Timeline halves = simulate(false), shares = simulate(true);
  Svg svg(left + 40 * unit, 420, "Two schedules for parallel jobs on a busy machine");
  svg.text(20, 26, "Two threads, four jobs, 2 cores shared with a third program",
           {.size = 15, .bold = true});
  svg.text(20, 44,
           "A schematic, not a measurement: a share takes four steps of time, and the third "
           "program takes the same turns in both timelines.",
           {.size = 12, .colour = colour::muted});

  const double top = 92, bottom = 258;
  svg.text(20, top - 18, "Static halves and a barrier (OpenMP's static schedule)",
           {.size = 13, .bold = true});
  draw_timeline(svg, halves, top, false);
  svg.text(20, bottom - 18,
           "tapenet's pool: a thread that has finished its own share takes one nobody has started",
           {.size = 13, .bold = true});
  draw_timeline(svg, shares, bottom, true);

  // time axis
  const double axis = bottom + 2 * row + row_gap + 22;
  svg.line(left, axis, left + 36 * unit, axis, {.stroke = colour::muted, .stroke_width = 1});
  for (int t = 0; t <= 36; t += 4) {
    svg.line(left + t * unit, axis, left + t * unit, axis + 4, {.stroke = colour::muted});
    svg.text(left + t * unit, axis + 16, std::to_string(t),
             {.size = 10, .anchor = "middle", .colour = colour::muted});
  }
  svg.text(left - 10, axis + 16, "time", {.size = 11, .anchor = "end", .colour = colour::muted});

  // legend
  const double ly = axis + 40;
  svg.rect(20, ly, 18, 14, {.fill = colour::grey, .stroke = "none"});
  svg.line(20, ly + 14, 38, ly, {.stroke = colour::muted, .stroke_width = 0.8});
  svg.text(44, ly + 11, "switched out: the third program has this core", {.size = 12});
  svg.rect(330, ly, 18, 14,
           {.fill = colour::paper, .stroke = colour::orange, .stroke_width = 1, .dash = "3 2"});
  svg.text(354, ly + 11, "has a core, nothing to do: waits", {.size = 12});
  svg.line(580, ly - 2, 580, ly + 16, {.stroke = colour::ink, .stroke_width = 2});
  svg.text(588, ly + 11, "a job ends (top: the barrier; bottom: the caller returns)", {.size = 12});
  return svg.save(output_path(argc, argv, "busy-schedule.svg"));
}
