// The `cluster` section: the nodes and the checks between them (unique
// names, no port used twice on one host, replication factor, secret).

#include <array>

#include "config/sections.hpp"

namespace vigil::config::detail {
namespace {

constexpr std::array<std::string_view, 3> port_keys{"http_port", "ingest_port", "actor_port"};

// Where a node's fields were found, for the checks across nodes. A field
// that was rejected keeps its default and is left out of those checks.
struct node_fields {
  value at;  // the node's mapping
  std::optional<value> name;
  bool host_ok = true;  // false too when the node is not a mapping at all
  std::array<std::optional<value>, 3> ports;
  std::array<bool, 3> port_ok{true, true, true};
};

std::array<uint16_t*, 3> ports_of(node_config& n) {
  return {&n.http_port, &n.ingest_port, &n.actor_port};
}

node_fields read_node(mapping& m, node_config& n) {
  node_fields f;
  f.at = m.self();
  f.name = m.read_required("name", n.name, as_identifier);
  f.host_ok = (m.read("host", n.host, as_non_empty_string) || !m.has("host")) && m.is_mapping();
  auto ports = ports_of(n);
  for (size_t i = 0; i < ports.size(); ++i) {
    f.ports[i] = m.read(port_keys[i], *ports[i], integer_in<uint16_t>(1, 65535));
    f.port_ok[i] = !m.rejected(port_keys[i]);
  }
  m.read("data_dir", n.data_dir, as_non_empty_string);
  return f;
}

// Every port of every node, defaults included, must be unique per host. A
// default port is reported at its node, under the path of the missing key.
void check_ports(const std::vector<node_config>& nodes, const std::vector<node_fields>& fields,
                 collector& out) {
  unique_set used;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!fields[i].host_ok) continue;
    std::array<uint16_t, 3> ports{nodes[i].http_port, nodes[i].ingest_port, nodes[i].actor_port};
    for (size_t p = 0; p < ports.size(); ++p) {
      if (!fields[i].port_ok[p]) continue;
      const auto& set = fields[i].ports[p];
      value at = set ? *set
                     : value{fields[i].at.node, child_path(fields[i].at.path, port_keys[p]),
                             fields[i].at.mark};
      std::string port = std::to_string(ports[p]);
      used.add(nodes[i].host + ":" + port, at, out,
               "duplicate port " + port + (set ? "" : " (the default)") + " on host \"" +
                   nodes[i].host + "\"");
    }
  }
}

}  // namespace

node_config default_node() {
  node_config n;
  n.name = "local";
  return n;
}

void read_cluster(mapping& m, cluster_config& out) {
  m.read("name", out.name, as_non_empty_string);
  m.read("shards", out.shards, integer_in<uint32_t>(1));
  auto rf = m.read("replication_factor", out.replication_factor, integer_in<uint32_t>(1));
  m.read("secret", out.secret, as_non_empty_string);

  std::vector<node_fields> fields;
  if (auto nodes = m.required("nodes")) {
    m.each_mapping(*nodes, [&](mapping& node, size_t) {
      fields.push_back(read_node(node, out.nodes.emplace_back()));
    });
    if (out.nodes.empty() && (nodes->node.IsNull() || nodes->node.IsSequence()))
      m.out().report(*nodes, "expected a non-empty list of nodes");
  }

  unique_set names;
  for (size_t i = 0; i < out.nodes.size(); ++i) {
    if (fields[i].name)
      (void)names.add(out.nodes[i].name, *fields[i].name, m.out(),
                      "duplicate node name \"" + out.nodes[i].name + "\"");
  }
  check_ports(out.nodes, fields, m.out());

  if (rf && !out.nodes.empty() && out.replication_factor > out.nodes.size()) {
    m.out().report(*rf, "expected an integer between 1 and " + std::to_string(out.nodes.size()) +
                            " (the number of nodes), got " + describe(rf->node));
  }
  if (out.nodes.size() > 1 && !m.has("secret"))
    (void)m.required("secret", "the cluster has more than one node");
}

}  // namespace vigil::config::detail
