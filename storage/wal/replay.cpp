#include "storage/wal/replay.hpp"

#include <algorithm>

#include "storage/wal/checkpoint.hpp"
#include "storage/wal/log_format.hpp"
#include "storage/wal/segments.hpp"

namespace vigil::wal {
namespace {

class replayer {
 public:
  replayer(file_system& fs, const std::string& dir, const replay_handler& handler)
      : fs_(fs), dir_(dir), handler_(handler) {}

  std::optional<error> run() {
    auto listing = list_log_dir(fs_, dir_);
    if (!listing) return std::move(listing).error_value();
    for (const auto& name : listing->temporary) {
      if (auto err = remove_tree(fs_, join_path(dir_, name))) return err;
      report_.removed.push_back(join_path(dir_, name));
    }
    uint32_t highest = 0;
    if (!listing->segments.empty()) highest = listing->segments.back();
    if (!listing->checkpoints.empty()) {
      const uint32_t n = listing->checkpoints.back();
      report_.checkpoint = n;
      highest = std::max(highest, n);
      if (auto err = read_checkpoint(n)) return err;
    }
    report_.next_segment = highest + 1;
    std::vector<uint32_t> segments;
    for (uint32_t s : listing->segments)
      if (!report_.checkpoint || s > *report_.checkpoint) segments.push_back(s);
    report_gaps(segments);
    report_.segments = segments;
    return read_segments(std::move(segments));
  }

  replay_report take_report() { return std::move(report_); }

 private:
  std::optional<error> deliver(const read_record& r, uint32_t segment, bool from_checkpoint) {
    ++report_.records;
    return handler_(replayed_record{r.type, r.payload, segment, from_checkpoint, r.offset});
  }

  // A checkpoint was synced before it got its name, so any damage in it is
  // corruption, never a torn tail.
  std::optional<error> read_checkpoint(uint32_t n) {
    auto path = join_path(join_path(dir_, checkpoint_name(n)), checkpoint_file_name);
    auto in = segment_reader::open(fs_, std::move(path), /*last_segment=*/false);
    if (!in) return std::move(in).error_value();
    while (in->next())
      if (auto err = deliver(in->record(), n, true)) return err;
    if (const auto& problem = in->problem()) {
      if (problem->kind == problem_kind::io_error)
        return error{errc::io_error, problem->to_string()};
      add_issue(replay_action::skipped_rest, *problem);
    }
    return std::nullopt;
  }

  std::optional<error> read_segments(std::vector<uint32_t> segments) {
    if (segments.empty()) return std::nullopt;
    const uint32_t last = segments.back();
    reader in(fs_, dir_, std::move(segments));
    while (true) {
      if (in.next()) {
        if (auto err = deliver(in.record(), in.segment(), false)) return err;
        continue;
      }
      if (!in.problem()) return std::nullopt;
      const read_problem& problem = *in.problem();
      if (problem.kind == problem_kind::io_error) return error{errc::io_error, problem.to_string()};
      if (in.segment() == last) {
        if (auto err = fs_.truncate(problem.file, problem.offset)) return err;
        add_issue(replay_action::truncated, problem);
      } else {
        add_issue(replay_action::skipped_rest, problem);
      }
      if (!in.skip_segment()) return std::nullopt;
    }
  }

  void report_gaps(const std::vector<uint32_t>& segments) {
    // One issue per gap, however wide, naming its first missing segment.
    for (size_t i = 1; i < segments.size(); ++i) {
      const uint32_t from = segments[i - 1] + 1, to = segments[i] - 1;
      if (from > to) continue;
      std::string what =
          from == to ? "segment missing"
                     : "segments " + segment_name(from) + " to " + segment_name(to) + " missing";
      report_.issues.push_back(replay_issue{replay_action::missing,
                                            join_path(dir_, segment_name(from)), 0,
                                            problem_kind::corrupt, std::move(what), 0});
    }
  }

  void add_issue(replay_action action, const read_problem& p) {
    report_.issues.push_back(
        replay_issue{action, p.file, p.offset, p.kind, p.what, p.file_size - p.offset});
  }

  file_system& fs_;
  const std::string& dir_;
  const replay_handler& handler_;
  replay_report report_;
};

}  // namespace

std::string_view to_string(replay_action action) {
  switch (action) {
    case replay_action::truncated:
      return "truncated";
    case replay_action::skipped_rest:
      return "skipped_rest";
    case replay_action::missing:
      return "missing";
  }
  return "unknown";
}

std::string replay_issue::to_string() const {
  std::string out = "wal: " + std::string{wal::to_string(action)} + " " + file + " at offset " +
                    std::to_string(offset);
  if (bytes_dropped > 0) out += ", " + std::to_string(bytes_dropped) + " bytes dropped";
  out += " (" + std::string{wal::to_string(kind)} + ": " + what + ")";
  return out;
}

expected<replay_report> replay(file_system& fs, const std::string& dir,
                               const replay_handler& handler) {
  replayer r(fs, dir, handler);
  if (auto err = r.run()) return std::move(*err);
  return r.take_report();
}

}  // namespace vigil::wal
