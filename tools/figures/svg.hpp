#pragma once
// A tiny SVG writer for the course's figures: rectangles, lines, arrows, text, polylines and
// embedded images, all in one font and one small palette so that the figures look alike.
// Coordinates are pixels, y grows downwards, as in SVG itself.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace figures {

// The palette: four strong colours for things the eye should follow, a light tint of each for
// fills behind text, and greys for everything else.
namespace colour {
inline constexpr const char* ink = "#1f2328";    // text and outlines
inline constexpr const char* muted = "#6e7781";  // secondary text, grid lines
inline constexpr const char* faint = "#d0d7de";  // light grid lines
inline constexpr const char* paper = "#ffffff";
inline constexpr const char* grey = "#f2f4f6";  // neutral fill
inline constexpr const char* blue = "#2f6db5";
inline constexpr const char* light_blue = "#d6e6f7";
inline constexpr const char* orange = "#d9731a";
inline constexpr const char* light_orange = "#fbe3cc";
inline constexpr const char* green = "#3a8a3f";
inline constexpr const char* light_green = "#d7eed8";
inline constexpr const char* purple = "#7d4fa8";
inline constexpr const char* light_purple = "#e8dcf3";
}  // namespace colour

inline constexpr const char* font = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

struct Style {
  std::string fill = "none";
  std::string stroke = colour::ink;
  double stroke_width = 1.2;
  double corner = 0;      // rounded corners of rectangles
  std::string dash = "";  // e.g. "4 3" for a dashed line
  double opacity = 1;
};

struct TextStyle {
  double size = 13;
  std::string anchor = "start";  // start, middle or end
  std::string colour = colour::ink;
  bool bold = false;
  bool italic = false;
  bool monospace = false;
  double rotate = 0;  // degrees, clockwise, about (x, y): -90 reads upwards
};

struct Point {
  double x, y;
};

// Characters that XML gives a meaning to are written as entities.
inline std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// Numbers with at most two decimals keep the files small and readable.
inline std::string num(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

// Bytes as base64, the text form an <image> element takes its PNG in.
inline std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    std::uint32_t triple = std::uint32_t(std::uint8_t(bytes[i])) << 16 |
                           std::uint32_t(std::uint8_t(bytes[i + 1])) << 8 |
                           std::uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(triple >> shift) & 63];
  }
  if (i < bytes.size()) {  // one or two bytes left: pad with '='
    std::uint32_t triple = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) triple |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += alphabet[(triple >> 18) & 63];
    out += alphabet[(triple >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(triple >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

class Svg {
 public:
  Svg(double width, double height, const std::string& title) : width_(width), height_(height) {
    body_ << "<title>" << escape(title) << "</title>\n";
    rect(0, 0, width, height, {.fill = colour::paper, .stroke = "none"});
  }

  double width() const { return width_; }
  double height() const { return height_; }

  void rect(double x, double y, double w, double h, const Style& style = {}) {
    body_ << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(w)
          << "\" height=\"" << num(h) << "\"";
    if (style.corner > 0) body_ << " rx=\"" << num(style.corner) << "\"";
    body_ << paint(style) << "/>\n";
  }

  void line(double x1, double y1, double x2, double y2, const Style& style = {}) {
    body_ << "<line x1=\"" << num(x1) << "\" y1=\"" << num(y1) << "\" x2=\"" << num(x2)
          << "\" y2=\"" << num(y2) << "\"" << paint(style) << "/>\n";
  }

  void polyline(const std::vector<Point>& points, const Style& style = {}) {
    body_ << "<polyline points=\"";
    for (std::size_t i = 0; i < points.size(); ++i)
      body_ << (i ? " " : "") << num(points[i].x) << "," << num(points[i].y);
    body_ << "\"" << paint(style) << "/>\n";
  }

  void polygon(const std::vector<Point>& points, const Style& style = {}) {
    body_ << "<polygon points=\"";
    for (std::size_t i = 0; i < points.size(); ++i)
      body_ << (i ? " " : "") << num(points[i].x) << "," << num(points[i].y);
    body_ << "\"" << paint(style) << "/>\n";
  }

  void circle(double cx, double cy, double r, const Style& style = {}) {
    body_ << "<circle cx=\"" << num(cx) << "\" cy=\"" << num(cy) << "\" r=\"" << num(r) << "\""
          << paint(style) << "/>\n";
  }

  // A line from (x1, y1) to (x2, y2) with a filled head at the second point.
  void arrow(double x1, double y1, double x2, double y2, const std::string& colour = colour::ink,
             double stroke_width = 1.4) {
    const double length = std::hypot(x2 - x1, y2 - y1);
    if (length == 0) return;
    const double ux = (x2 - x1) / length, uy = (y2 - y1) / length, head = 8, half = 4;
    const double bx = x2 - ux * head, by = y2 - uy * head;  // where the head starts
    line(x1, y1, bx, by, {.stroke = colour, .stroke_width = stroke_width});
    polygon({{x2, y2}, {bx - uy * half, by + ux * half}, {bx + uy * half, by - ux * half}},
            {.fill = colour, .stroke = "none"});
  }

  // One line of text; y is the baseline.
  void text(double x, double y, const std::string& content, const TextStyle& style = {}) {
    body_ << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" font-size=\"" << num(style.size)
          << "\"";
    if (style.anchor != "start") body_ << " text-anchor=\"" << style.anchor << "\"";
    if (style.colour != colour::ink) body_ << " fill=\"" << style.colour << "\"";
    if (style.bold) body_ << " font-weight=\"bold\"";
    if (style.italic) body_ << " font-style=\"italic\"";
    if (style.monospace) body_ << " font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\"";
    if (style.rotate != 0)
      body_ << " transform=\"rotate(" << num(style.rotate) << " " << num(x) << " " << num(y)
            << ")\"";
    body_ << ">" << escape(content) << "</text>\n";
  }

  // Text centred in a box, vertically too (for one line of the default size).
  void centred_text(double x, double y, double w, double h, const std::string& content,
                    TextStyle style = {}) {
    style.anchor = "middle";
    text(x + w / 2, y + h / 2 + style.size * 0.35, content, style);
  }

  // A PNG file's bytes, drawn w x h pixels large; scaled up, its pixels stay sharp squares.
  void png(double x, double y, double w, double h, const std::string& png_bytes) {
    body_ << "<image x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(w)
          << "\" height=\"" << num(h) << "\" style=\"image-rendering:pixelated\""
          << " preserveAspectRatio=\"none\" href=\"data:image/png;base64," << base64(png_bytes)
          << "\"/>\n";
  }

  // Groups make the file easier to read: each part of a figure is one <g> with a comment.
  void begin_group(const std::string& what) {
    std::string comment = escape(what);  // "--" may not appear inside an XML comment
    for (std::size_t at; (at = comment.find("--")) != std::string::npos;)
      comment.replace(at, 2, "- -");
    body_ << "<!-- " << comment << " -->\n<g>\n";
  }
  void end_group() { body_ << "</g>\n"; }

  std::string str() const {
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<!-- Drawn by tools/figures; redraw with tools/figures/draw_all.sh, do not edit. -->\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width_) << "\" height=\""
        << num(height_) << "\" viewBox=\"0 0 " << num(width_) << " " << num(height_)
        << "\" font-family=\"" << font << "\">\n"
        << body_.str() << "</svg>\n";
    return out.str();
  }

  // Writes the file; returns the exit code for main(): 0, or 1 when it cannot be written.
  int save(const std::string& path) const {
    std::ofstream file(path, std::ios::binary);
    file << str();
    file.close();
    if (!file) {
      std::cerr << path << ": cannot write the figure\n";
      return 1;
    }
    std::cout << "wrote " << path << "\n";
    return 0;
  }

 private:
  static std::string paint(const Style& style) {
    std::string out = " fill=\"" + style.fill + "\" stroke=\"" + style.stroke + "\"";
    if (style.stroke != "none") out += " stroke-width=\"" + num(style.stroke_width) + "\"";
    if (!style.dash.empty()) out += " stroke-dasharray=\"" + style.dash + "\"";
    if (style.opacity != 1) out += " opacity=\"" + num(style.opacity) + "\"";
    return out;
  }

  double width_, height_;
  std::ostringstream body_;
};

// Every figure program takes the SVG file to write as its first argument.
inline std::string output_path(int argc, char** argv, const char* default_name) {
  return argc > 1 ? argv[1] : default_name;
}

}  // namespace figures
