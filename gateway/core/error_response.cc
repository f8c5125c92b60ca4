#include "gateway/core/error_response.h"

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gateway/reasons/reason_catalog.h"
#include "gateway/transcode/utf8.h"
#include "services/common/status.h"

namespace stadt::gateway {

HttpResponse ErrorResponse(grpc::StatusCode code, std::string_view reason, std::string_view message,
                           int http_status) {
  namespace http = boost::beast::http;
  boost::json::object body{
      {"code", static_cast<int>(code)},
      {"status", GrpcCodeName(code)},
      // Messages may quote the client's bytes (a JSON parser's excerpt);
      // the error must stay valid JSON whatever they were.
      {"message", ToValidUtf8(message)},
      {"details", boost::json::array{boost::json::object{{"reason", reason}}}}};
  HttpResponse response;
  response.result(http_status != 0 ? http_status : HttpStatusForGrpcCode(code));
  response.set(http::field::content_type, "application/json");
  response.body() = boost::json::serialize(body);
  return response;
}

void LocalizeError(HttpResponse& response, std::string_view language) {
  if (response.result_int() < 400 || response.body().empty()) return;
  boost::system::error_code error;
  boost::json::value body = boost::json::parse(response.body(), error);
  if (error || !body.is_object()) return;
  boost::json::object& object = body.as_object();
  boost::json::array* details = object.contains("details") && object["details"].is_array()
                                    ? &object["details"].as_array()
                                    : nullptr;
  if (details == nullptr || details->empty() || !(*details)[0].is_object()) return;
  boost::json::object& detail = (*details)[0].as_object();
  const boost::json::string* reason =
      detail.contains("reason") ? detail["reason"].if_string() : nullptr;
  const ReasonText* text =
      reason == nullptr ? nullptr : FindReason(std::string_view(reason->data(), reason->size()));
  if (text == nullptr) return;
  const std::string_view message = MessageIn(*text, language);
  if (object.contains("message") && object["message"].is_string() &&
      object["message"].as_string() != message) {
    detail["detail"] = object["message"];
  }
  object["message"] = message;
  response.set(boost::beast::http::field::content_language, language == "en" ? "en" : "de");
  response.body() = boost::json::serialize(body);
}

}  // namespace stadt::gateway
