#pragma once

// Every typed actor handle of vigil, one handler per line.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

// These messages stay within one node for now: CAF may pass them without
// serialization. The cluster capability gives them inspect() overloads
// and registers them, and these lines go.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<vigil::series_write>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<vigil::series_data>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::actors::write_ack)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::actors::select_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::actors::label_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::actors::series_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::actors::shard_status)

namespace vigil::actors {

/// One series shard: owns a shard_engine.
using shard_actor = caf::typed_actor<
    // Stores a batch; answers once it is durable in the WAL.
    caf::replies_to<write_atom, std::vector<series_write>>::with<write_ack>,
    // Series matching the request with their samples.
    caf::replies_to<select_atom, select_request>::with<std::vector<series_data>>,
    // Label names, or one label's values, of series with data in a range.
    caf::replies_to<labels_atom, label_request>::with<std::vector<std::string>>,
    // Label sets of the series matching a selection with data in its range.
    caf::replies_to<series_atom, select_request>::with<series_list>,
    // Persists every head chunk and checkpoints the WAL.
    caf::replies_to<flush_atom>::with<uint32_t>,
    // Counters and sizes for status pages and /metrics.
    caf::replies_to<status_atom>::with<shard_status>,
    // The WAL reached this durable position (from its syncer thread).
    caf::reacts_to<durable_atom, uint64_t>,
    // Timer: persist chunks the head has cut.
    caf::reacts_to<persist_atom>,
    // Timer: build rollups and delete data past its retention.
    caf::reacts_to<maintain_atom>,
    // Fault injection (actors/instrument.hpp).
    caf::reacts_to<fault_atom, std::string>>;

/// The node's write entry point: splits a batch by shard, one message per
/// shard, and answers once every part is durable.
using router_actor = caf::typed_actor<
    // Stores a batch; issues and refs are by the batch's own indices.
    caf::replies_to<write_atom, std::vector<series_write>>::with<write_ack>,
    // Fault injection (actors/instrument.hpp).
    caf::reacts_to<fault_atom, std::string>>;

}  // namespace vigil::actors
