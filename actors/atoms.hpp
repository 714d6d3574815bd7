#pragma once

// Every atom vigil's actors exchange (CAF 0.17 atoms: at most 10 characters).

#include <caf/atom.hpp>

namespace vigil::actors {

/// A supervisor tells its parent that it and all its children are up.
using started_atom = caf::atom_constant<caf::atom("started")>;
/// A supervisor's timer: restart a child after its backoff.
using restart_atom = caf::atom_constant<caf::atom("restart")>;
/// A supervisor's timer: a child did not stop in time during shutdown.
using stop_timeout_atom = caf::atom_constant<caf::atom("stoptmo")>;
/// Fault injection (admin only): make the receiving actor fail.
using fault_atom = caf::atom_constant<caf::atom("fault")>;

}  // namespace vigil::actors
