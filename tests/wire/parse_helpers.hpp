#pragma once

// Test helpers: a whole exposition rendered as one string per entry
// ("series a{b=\"c\"} 1 @5", "help a: text", "type a counter", ...) or the
// first error, so expectations read like the input.

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/wire/exposition_parser.hpp"

namespace vigil::wire::test {

inline std::string render_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  return {buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr};
}

inline std::string render_string(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// name{a="b",...} from a buffer whose first label is __name__.
inline std::string render_labels(const label_buffer& labels) {
  std::string out{labels[0].value};
  if (labels.size() == 1) return out;
  out += '{';
  for (std::size_t i = 1; i < labels.size(); ++i) {
    if (i > 1) out += ',';
    out += std::string(labels[i].name) + "=\"" + render_string(labels[i].value) + '"';
  }
  return out + '}';
}

inline std::string render_entry(exposition_parser& parser, entry_kind kind) {
  switch (kind) {
    case entry_kind::series: {
      label_buffer labels;
      parser.labels(labels);
      auto out = "series " + render_labels(labels) + " " + render_number(parser.value());
      if (auto t = parser.time()) out += " @" + std::to_string(*t);
      return out;
    }
    case entry_kind::type:
      return "type " + std::string(parser.metric_name()) + " " +
             std::string(to_string(parser.type()));
    case entry_kind::help:
      return "help " + std::string(parser.metric_name()) + ": " + render_string(parser.text());
    case entry_kind::unit:
      return "unit " + std::string(parser.metric_name()) + ": " + std::string(parser.text());
    case entry_kind::comment:
      return "comment " + std::string(parser.text());
    case entry_kind::eof:
      break;
  }
  return "eof";
}

struct parsed {
  std::vector<std::string> entries;
  std::string error;  ///< "" when the whole body parsed
};

inline parsed parse(std::string_view body, exposition_format format) {
  parsed out;
  exposition_parser parser{body, format};
  for (;;) {
    auto entry = parser.next();
    if (!entry) {
      out.error = entry.error_value().message;
      return out;
    }
    if (*entry == entry_kind::eof) return out;
    out.entries.push_back(render_entry(parser, *entry));
  }
}

inline parsed parse_text(std::string_view body) {
  return parse(body, exposition_format::prometheus_text);
}
inline parsed parse_om(std::string_view body) {
  return parse(body, exposition_format::openmetrics);
}

using entries = std::vector<std::string>;

}  // namespace vigil::wire::test
