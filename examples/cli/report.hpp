#pragma once
// DIR/report.html: what a training run did, in one self-contained page that any browser opens
// offline: charts drawn here as inline SVG, the predicted test batch embedded as a PNG.
#include <algorithm>
#include <cstdint>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tapenet/core/error.hpp"

namespace cli {

inline std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t chunk = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) chunk |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) chunk |= std::uint8_t(bytes[i + 2]);
    const std::size_t available = std::min<std::size_t>(3, bytes.size() - i);  // 1 to 3 bytes
    for (std::size_t k = 0; k < 4; ++k)
      out += k <= available ? digits[(chunk >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

inline std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// A line chart of (x, y) points with labelled axes, as an <svg> element.
inline std::string line_chart(const std::string& title,
                              const std::vector<std::pair<double, double>>& points,
                              const std::string& x_label, const std::string& y_label) {
  const double width = 560, height = 280, left = 60, right = 20, top = 30, bottom = 45;
  std::ostringstream svg;
  svg << std::setprecision(4) << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width
      << "' height='" << height << "' class='chart'><text x='" << width / 2
      << "' y='18' text-anchor='middle'>" << escape_html(title) << "</text>";
  if (points.empty()) return svg.str() + "<text x='200' y='140'>no data yet</text></svg>";
  auto [x_min, x_max] = std::minmax_element(points.begin(), points.end(),
                                            [](auto a, auto b) { return a.first < b.first; });
  auto [y_min, y_max] = std::minmax_element(points.begin(), points.end(),
                                            [](auto a, auto b) { return a.second < b.second; });
  const double x0 = x_min->first, x1 = std::max(x_max->first, x0 + 1e-9);
  const double y0 = std::min(0.0, y_min->second), y1 = std::max(y_max->second, y0 + 1e-9);
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * (width - left - right); };
  auto py = [&](double y) {
    return height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom);
  };
  svg << "<line x1='" << left << "' y1='" << py(y0) << "' x2='" << width - right << "' y2='"
      << py(y0) << "' stroke='black'/><line x1='" << left << "' y1='" << py(y0) << "' x2='" << left
      << "' y2='" << top << "' stroke='black'/>";
  for (double y : {y0, (y0 + y1) / 2, y1})
    svg << "<text x='" << left - 6 << "' y='" << py(y) + 4 << "' text-anchor='end' font-size='11'>"
        << y << "</text>";
  for (double x : {x0, x1})
    svg << "<text x='" << px(x) << "' y='" << height - bottom + 16
        << "' text-anchor='middle' font-size='11'>" << x << "</text>";
  svg << "<text x='" << width / 2 << "' y='" << height - 8
      << "' text-anchor='middle' font-size='12'>" << escape_html(x_label)
      << "</text><text x='14' y='" << height / 2 << "' font-size='12' transform='rotate(-90 14 "
      << height / 2 << ")' text-anchor='middle'>" << escape_html(y_label)
      << "</text><polyline fill='none' "
      << "stroke='#1f77b4' stroke-width='2' points='";
  for (auto [x, y] : points) svg << px(x) << "," << py(y) << " ";
  svg << "'/>";
  for (auto [x, y] : points)
    svg << "<circle cx='" << px(x) << "' cy='" << py(y) << "' r='3' fill='#1f77b4'/>";
  return svg.str() + "</svg>";
}

// The page, from run.json's contents and the predicted test batch as PNG bytes.
inline std::string report_html(const nlohmann::json& run, const std::string& batch_png) {
  const auto& metrics = run.at("metrics");
  const std::vector<std::string> classes = run.at("classes");
  std::vector<std::pair<double, double>> losses, accuracies;
  for (const auto& point : run.at("losses"))
    losses.emplace_back(point.at("step"), point.at("loss"));
  if (losses.size() < 2) {  // fewer loss lines than epochs: plot each epoch's mean loss instead
    losses.clear();
    for (const auto& m : metrics) losses.emplace_back(m.at("epoch"), m.at("train_loss"));
  }
  for (const auto& m : metrics) accuracies.emplace_back(m.at("epoch"), m.at("test_accuracy"));

  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>tapenet training "
          "report</title><style>"
          "body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:3px "
          "8px;text-align:right}.charts{display:flex;flex-wrap:wrap;gap:2em}"
          ".bar{background:#1f77b4;height:12px}</style></head><body>\n<h1>tapenet training "
          "report</h1>\n";
  const auto& h = run.at("hyperparameters");
  html << "<p>" << escape_html(run.at("arch").get<std::string>()) << " on "
       << escape_html(run.at("dataset").get<std::string>()) << ", " << run.at("epoch") << " of "
       << tapenet::count(h.at("epochs").get<std::int64_t>(), "epoch") << " ("
       << tapenet::count(run.at("step").get<std::int64_t>(), "step") << "), batch size "
       << h.at("batch_size") << ", lr " << h.at("lr")
       << (h.value("lr_schedule", "constant") == "cosine" ? " (cosine schedule)" : "")
       << ", momentum " << h.at("momentum") << ", weight decay " << h.at("weight_decay")
       << (h.at("augment").get<bool>() ? ", augmented" : "") << ", seed " << run.at("seed")
       << ".</p>\n";
  html << "<div class='charts'>"
       << line_chart("Training loss", losses, losses.size() == metrics.size() ? "epoch" : "step",
                     "loss")
       << line_chart("Test accuracy (eval mode)", accuracies, "epoch", "accuracy %") << "</div>\n";

  if (!metrics.empty()) {
    const auto& confusion = metrics.back().at("confusion");
    html << "<h2>Per-class "
            "accuracy</h2>\n<table><tr><th>class</th><th>correct</th><th>images</th><th>accuracy</"
            "th><th></th></tr>\n";
    for (std::size_t c = 0; c < classes.size(); ++c) {
      std::int64_t total = 0;
      for (const auto& count : confusion[c]) total += count.get<std::int64_t>();
      const std::int64_t right = confusion[c][c];
      const double percent = total > 0 ? 100.0 * double(right) / double(total) : 0.0;
      html << "<tr><td>" << escape_html(classes[c]) << "</td><td>" << right << "</td><td>" << total
           << "</td><td>" << std::fixed << std::setprecision(1) << percent
           << "%</td><td style='width:200px;text-align:left'>"
           << "<div class='bar' style='width:" << 2 * percent << "px'></div></td></tr>\n";
    }
    html << "</table>\n<h2>Confusion matrix</h2>\n<p>Rows: the true class; columns: the predicted "
            "one.</p>\n"
            "<table id='confusion'><tr><th></th>";
    for (const auto& name : classes) html << "<th>" << escape_html(name) << "</th>";
    html << "</tr>\n";
    for (std::size_t t = 0; t < classes.size(); ++t) {
      std::int64_t total = 0;
      for (const auto& count : confusion[t]) total += count.get<std::int64_t>();
      html << "<tr><th>" << escape_html(classes[t]) << "</th>";
      for (std::size_t p = 0; p < classes.size(); ++p) {
        const std::int64_t count = confusion[t][p];
        const int shade = total > 0 ? 255 - int(200.0 * double(count) / double(total)) : 255;
        html << "<td style='background:rgb(" << shade << "," << shade << ",255)'>" << count
             << "</td>";
      }
      html << "</tr>\n";
    }
    html << "</table>\n";
  }
  html << "<h2>A test batch: true class, then predicted</h2>\n<img alt='predicted test batch' "
          "onload=\"document.body.dataset.image='shown'\" "
          "onerror=\"document.body.dataset.image='broken'\" "
          "src='data:image/png;base64,"
       << base64(batch_png) << "'>\n</body></html>\n";
  return html.str();
}

}  // namespace cli
