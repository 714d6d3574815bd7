#pragma once

// How the front doors that take samples (HTTP push, remote write, line
// protocol, the TCP push server) hand a batch to storage, without knowing
// CAF: a function that takes the batch and calls back once.

#include <functional>
#include <vector>

#include "actors/messages.hpp"
#include "storage/base/expected.hpp"

namespace vigil::runtime {

/// Called exactly once, on any thread: the merged ack (issues and refs by
/// batch index) once the accepted samples are durable, or an error when
/// storage could not take the batch at all.
using write_done = std::function<void(expected<actors::write_ack>)>;

/// Hands `batch` to storage; never blocks.
using write_sink = std::function<void(std::vector<series_write> batch, write_done done)>;

}  // namespace vigil::runtime
