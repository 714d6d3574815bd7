#include "runtime/wire/exposition_parser.hpp"

#include "storage/base/labels.hpp"

namespace vigil::wire {
namespace {

std::variant<text_reader, openmetrics_reader> reader_for(std::string_view body,
                                                         exposition_format format) {
  if (format == exposition_format::openmetrics) return openmetrics_reader{body};
  return text_reader{body};
}

// Appends `labels` to `out`, which has room for their unescaped text.
void add_labels(std::span<const raw_label> labels, label_buffer& out) {
  for (const auto& l : labels)
    out.add(l.name_escaped ? out.unescaped(l.name) : l.name,
            l.value_escaped ? out.unescaped(l.value) : l.value);
}

}  // namespace

exposition_parser::exposition_parser(std::string_view body, exposition_format format)
    : reader_(reader_for(body, format)) {}

expected<entry_kind> exposition_parser::next() {
  if (failed_) return *failed_;
  if (done_) return entry_kind::eof;
  auto kind = std::visit([this](auto& reader) { return reader.next(entry_); }, reader_);
  if (!kind) {
    failed_ = kind.error_value();
    return kind;
  }
  entry_.kind = *kind;
  done_ = *kind == entry_kind::eof;
  return kind;
}

std::string_view exposition_parser::metric_name() const noexcept {
  return entry_.kind == entry_kind::series ? entry_.sample.name : entry_.name;
}

void exposition_parser::labels(label_buffer& out) const {
  const auto& s = entry_.sample;
  // The series as written bounds the unescaped text of the name and labels.
  out.reset(s.series.size());
  out.add(metric_name_label, s.name_escaped ? out.unescaped(s.raw_name) : s.name);
  add_labels(s.labels, out);
}

std::optional<exemplar_view> exposition_parser::exemplar(label_buffer& out) const {
  const auto& s = entry_.sample;
  if (entry_.kind != entry_kind::series || s.exemplar.empty()) return std::nullopt;
  out.reset(s.exemplar.size());
  add_labels(s.exemplar_labels, out);
  return exemplar_view{out.pairs(), entry_.exemplar_value, entry_.exemplar_time};
}

std::optional<timestamp> exposition_parser::created() {
  auto* reader = std::get_if<openmetrics_reader>(&reader_);
  return reader ? reader->created(entry_) : std::nullopt;
}

}  // namespace vigil::wire
