#include "runtime/ingest_api.hpp"

#include <nlohmann/json.hpp>

#include "runtime/http_api.hpp"
#include "runtime/push_ingest.hpp"
#include "runtime/router_write.hpp"
#include "runtime/wire/line_protocol.hpp"
#include "runtime/wire/push_decoder.hpp"
#include "runtime/wire/push_encoder.hpp"
#include "runtime/wire/remote_write.hpp"

namespace vigil::runtime {
namespace {

namespace push = wire::push;

http::response msgpack_response(int status, std::string body) {
  return http::response::text(status, std::move(body), "application/msgpack");
}

// docs/protocol.md, "HTTP form".
int status_of(push::code c) {
  switch (c) {
    case push::code::unauthorized:
      return 401;
    case push::code::too_large:
      return 413;
    case push::code::overloaded:
      return 503;
    case push::code::internal:
      return 500;
    default:
      return 400;
  }
}

http::response push_error(std::optional<uint64_t> seq, push::code c, std::string message) {
  std::string body;
  push::encode(push::error_msg{seq, c, std::move(message)}, body);
  return msgpack_response(status_of(c), std::move(body));
}

void handle_push(caf::actor_system& sys, const actor_directory& directory,
                 const authenticator& auth, http::request&& req, http::responder res) {
  if (auto refusal = push_refusal(auth, bearer_token(req.header("authorization").value_or("")))) {
    res.send(push_error(std::nullopt, push::code::unauthorized, std::move(*refusal)));
    return;
  }
  auto message = push::decode_client_body(req.body, push::default_max_message_bytes);
  if (auto* rejected = std::get_if<push::rejection>(&message)) {
    const auto& r = rejected->reply;
    res.send(push_error(r.seq, r.reason, r.message));
    return;
  }
  auto* write = std::get_if<push::write_msg>(&message);
  if (!write) {
    res.send(push_error(std::nullopt, push::code::bad_message,
                        "expected one write message (a hello or ping is for TCP streams)"));
    return;
  }
  auto batch = std::move(write->series);
  // std::function must be copyable; the responder is not.
  auto answer = [decoded = std::move(*write), res = std::make_shared<http::responder>(std::move(
                                                  res))](expected<actors::write_ack> ack) mutable {
    if (!ack) {
      res->send(push_error(decoded.seq, push::code::overloaded, ack.error_value().message));
      return;
    }
    std::string body;
    push::encode(push::make_ack(std::move(decoded), ack->accepted, std::move(ack->issues)), body);
    res->send(msgpack_response(200, std::move(body)));
  };
  write_through_router(sys, directory, std::move(batch), std::move(answer));
}

// Remote write and line protocol report problems as text: the first few
// issues, and how many there were.
std::string summary(const std::vector<write_issue>& issues) {
  std::string out = std::to_string(issues.size()) + " series not stored";
  for (size_t i = 0; i < issues.size() && i < 3; ++i) out += (i ? "; " : ": ") + issues[i].message;
  return out;
}

// Stores `batch`, then calls `finish(204, "")`, or `finish(status,
// message)` when some of it was refused (`refused` holds what decoding
// already refused): 503 when a shard was overloaded (the sender retries),
// 400 otherwise (the rest is stored).
void store(caf::actor_system& sys, const actor_directory& directory,
           std::vector<series_write> batch, std::vector<write_issue> refused,
           std::function<void(int, std::string)> finish) {
  auto answer = [refused = std::move(refused),
                 finish = std::move(finish)](expected<actors::write_ack> ack) mutable {
    if (!ack) return finish(503, ack.error_value().message);
    bool overloaded = false;
    for (auto& issue : ack->issues) {
      overloaded |= issue.code == "overloaded";
      refused.push_back(std::move(issue));
    }
    if (refused.empty()) return finish(204, "");
    finish(overloaded ? 503 : 400, summary(refused));
  };
  if (batch.empty()) return answer(actors::write_ack{});
  write_through_router(sys, directory, std::move(batch), std::move(answer));
}

// Prometheus remote write 1.0: a snappy-compressed protobuf WriteRequest.
// Errors are plain text, as Prometheus's receiver answers.
void handle_remote_write(caf::actor_system& sys, const actor_directory& directory, size_t max_bytes,
                         http::request&& req, http::responder res) {
  auto decoded = wire::decode_remote_write(req.body, max_bytes);
  if (!decoded) {
    res.send(http::response::text(400, decoded.error_value().message + "\n"));
    return;
  }
  store(sys, directory, std::move(decoded->series), std::move(decoded->issues),
        [res = std::make_shared<http::responder>(std::move(res))](int status, std::string text) {
          res->send(http::response::text(status, text.empty() ? text : text + "\n"));
        });
}

// InfluxDB line protocol (/write?precision=ns|us|ms|s|m|h). Errors are
// InfluxDB's JSON shape, {"error": "..."}.
void handle_line_protocol(caf::actor_system& sys, const actor_directory& directory,
                          http::request&& req, http::responder res) {
  auto influx_error = [](int status, const std::string& message) {
    return http::response::json(status, nlohmann::json{{"error", message}}.dump());
  };
  std::string unit;
  for (auto& [name, value] : req.query_params())
    if (name == "precision") unit = value;
  auto precision = wire::parse_precision(unit);
  if (!precision) {
    res.send(influx_error(400, precision.error_value().message));
    return;
  }
  const auto now = wall_clock_now();
  auto decoded = wire::decode_line_protocol(req.body, *precision, now);
  std::vector<write_issue> refused;
  for (auto& issue : decoded.issues) refused.push_back({issue.line, "bad_line", issue.message});
  store(sys, directory, std::move(decoded.series), std::move(refused),
        [res = std::make_shared<http::responder>(std::move(res)), influx_error](int status,
                                                                                std::string text) {
          if (status == 204) return res->send(http::response::text(204, ""));
          res->send(influx_error(status, status == 400 ? "partial write: " + text : text));
        });
}

}  // namespace

void add_ingest_routes(http::router& router, caf::actor_system& sys,
                       const actor_directory& directory, const authenticator& auth,
                       size_t max_bytes) {
  router.add("POST", "/api/v1/push", "/api/v1/push",
             [&sys, &directory, &auth](http::request&& req, http::responder res) {
               handle_push(sys, directory, auth, std::move(req), std::move(res));
             });
  router.add("POST", "/api/v1/write", "/api/v1/write",
             require_role(auth, config::role::write,
                          [&sys, &directory, max_bytes](http::request&& req, http::responder res) {
                            handle_remote_write(sys, directory, max_bytes, std::move(req),
                                                std::move(res));
                          }));
  router.add("POST", "/write", "/write",
             require_role(auth, config::role::write,
                          [&sys, &directory](http::request&& req, http::responder res) {
                            handle_line_protocol(sys, directory, std::move(req), std::move(res));
                          }));
}

}  // namespace vigil::runtime
