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
/// A supervisor's new set of children (supervisor.hpp).
using children_atom = caf::atom_constant<caf::atom("children")>;
/// Store a write batch.
using write_atom = caf::atom_constant<caf::atom("write")>;
/// Select series and samples.
using select_atom = caf::atom_constant<caf::atom("select")>;
/// Label sets of series.
using series_atom = caf::atom_constant<caf::atom("series")>;
/// Label names or values.
using labels_atom = caf::atom_constant<caf::atom("labels")>;
/// Persist everything held in memory.
using flush_atom = caf::atom_constant<caf::atom("flush")>;
/// Report counters and sizes.
using status_atom = caf::atom_constant<caf::atom("status")>;
/// The WAL is durable up to a position.
using durable_atom = caf::atom_constant<caf::atom("durable")>;
/// Timer: persist cut chunks.
using persist_atom = caf::atom_constant<caf::atom("persist")>;
/// Timer: build rollups and apply retention.
using maintain_atom = caf::atom_constant<caf::atom("maintain")>;
/// A scraper's timer: scrape now.
using scrape_atom = caf::atom_constant<caf::atom("scrape")>;
/// A scrape's HTTP response arrived.
using fetched_atom = caf::atom_constant<caf::atom("fetched")>;
/// A child that is no longer wanted: finish up and exit normally.
using retire_atom = caf::atom_constant<caf::atom("retire")>;
/// Discovery's timer: look at the file_sd files.
using watch_atom = caf::atom_constant<caf::atom("watch")>;
/// The configuration was reloaded: take it anew.
using reload_atom = caf::atom_constant<caf::atom("reload")>;
/// Fault injection (admin only): make the receiving actor fail.
using fault_atom = caf::atom_constant<caf::atom("fault")>;

}  // namespace vigil::actors
