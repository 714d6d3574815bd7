#include "runtime/push/write_job.hpp"

#include <algorithm>

#include "runtime/wire/push_decoder.hpp"

namespace vigil::push {

namespace proto = wire::push;

write_job::write_job(proto::write_msg decoded, std::string_view frame)
    : msg_(std::move(decoded)), batch_(std::move(msg_.series)) {
  msg_.series.clear();
  for (std::size_t i = 0; i < batch_.size(); ++i)
    if (batch_[i].ref != series_write::no_ref)
      by_ref_.push_back({i, {batch_[i].ref, batch_[i].label_hash}});
  if (!by_ref_.empty()) frame_.assign(frame);
}

std::vector<series_write> write_job::answered(expected<actors::write_ack> ack,
                                              proto::series_cache& cache) {
  const bool resending = !resent_.empty();
  if (!ack) {
    if (!resending) {
      failed_ = ack.error_value();
      return {};
    }
    // The first round is stored; only the resent series are lost.
    for (std::size_t i : resent_)
      issues_.push_back({i, std::string(proto::to_string(proto::code::overloaded)),
                         "resending by labels failed: " + ack.error_value().message});
    resent_.clear();
    return {};
  }
  accepted_ += ack->accepted;
  if (resending) {
    remember(resent_uncached_, ack->refs, cache);
    for (auto& issue : ack->issues) {
      issue.series_index = resent_[issue.series_index];
      issues_.push_back(std::move(issue));
    }
    resent_.clear();
    return {};
  }
  remember(msg_.uncached, ack->refs, cache);
  std::vector<std::size_t> stale;
  for (auto& issue : ack->issues) {
    if (issue.code == "unknown_series")
      stale.push_back(issue.series_index);
    else
      issues_.push_back(std::move(issue));
  }
  return stale.empty() ? std::vector<series_write>{} : resend(stale, cache);
}

void write_job::remember(std::vector<proto::uncached_series>& uncached,
                         const std::vector<uint32_t>& refs, proto::series_cache& cache) {
  for (auto& u : uncached)
    if (u.index < refs.size() && refs[u.index] != series_write::no_ref)
      cache.insert(std::move(u.key), {refs[u.index], u.label_hash});
}

std::vector<series_write> write_job::resend(const std::vector<std::size_t>& stale,
                                            proto::series_cache& cache) {
  auto refuse = [this](std::size_t i, std::string why) {
    issues_.push_back({i, "unknown_series", std::move(why)});
  };
  std::vector<std::size_t> retry;
  std::vector<proto::series_cache::entry> forget;
  for (std::size_t i : stale) {
    auto it = std::lower_bound(by_ref_.begin(), by_ref_.end(), i,
                               [](const auto& r, std::size_t index) { return r.first < index; });
    if (it == by_ref_.end() || it->first != i) {
      refuse(i, "the shard does not know this series; resend it");
      continue;
    }
    retry.push_back(i);
    forget.push_back(it->second);
  }
  // Forgotten first, so that decoding again yields their labels and keys.
  cache.forget(forget);
  auto again = proto::read_client_message(frame_, cache);
  auto* w = std::get_if<proto::write_msg>(&again);
  std::vector<series_write> batch;
  for (std::size_t i : retry) {
    // Both decodes keep the same series (a cached label map was valid), so
    // the client's position finds the series again.
    const std::size_t p = msg_.positions[i];
    auto pos = w ? std::lower_bound(w->positions.begin(), w->positions.end(), p)
                 : std::vector<std::size_t>::iterator{};
    if (!w || pos == w->positions.end() || *pos != p) {
      refuse(i, "the series could not be decoded again; resend it");
      continue;
    }
    const auto j = static_cast<std::size_t>(pos - w->positions.begin());
    auto u = std::lower_bound(w->uncached.begin(), w->uncached.end(), j,
                              [](const auto& x, std::size_t index) { return x.index < index; });
    if (w->series[j].ref != series_write::no_ref || u == w->uncached.end() || u->index != j) {
      refuse(i, "the series' labels are not at hand; resend it");
      continue;
    }
    resent_uncached_.push_back({batch.size(), std::move(u->key), u->label_hash});
    resent_.push_back(i);
    batch.push_back(std::move(w->series[j]));
  }
  return batch;
}

std::variant<proto::ack_msg, proto::error_msg> write_job::answer() {
  if (failed_) return proto::error_msg{msg_.seq, proto::code::overloaded, failed_->message};
  return proto::make_ack(std::move(msg_), accepted_, std::move(issues_));
}

}  // namespace vigil::push
