#pragma once

// The walking helper of the refusal walks (issue 23's client contract): a
// fixture that starts a stack, reads the OpenAPI document the gateway serves,
// provokes refusals through the gateway in German and English and checks each
// against the document and the reason catalog, and at the end that every
// reason the service's routes declare was walked.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "boost/json/value.hpp"
#include "gtest/gtest.h"
#include "tests/harness/stack.h"

namespace stadt::testing {

// "POST /v1/parking/sessions/{session_id}/stop": an operation of the document.
using OperationKey = std::string;

class RefusalWalk : public ::testing::Test {
 protected:
  // Starts `services` behind the gateway, waits until `ready_target` answers
  // 200 and reads the OpenAPI document.
  void StartStack(const std::set<std::string>& services, const StackOptions& options,
                  const std::string& ready_target);

  // Sends a request that the route must refuse with `reason`, in German and
  // then in English, and records the refusal as walked. The reason must be a
  // specific one (not a gRPC code name), declared for the route (or common to
  // all routes), with the status and both messages of the catalog.
  void ExpectRefusal(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& token, const std::string& reason);

  // Every reason the routes tagged `tag` declare was walked, but for those
  // that no request through the gateway can cause without waiting (each
  // "METHOD /path reason" named with why).
  void ExpectEveryDeclaredReasonWalked(const std::string& tag,
                                       const std::map<std::string, std::string>& not_walkable);

  // The document's operation whose path template matches `path` (literal
  // segments beat variables, as in the gateway's route table).
  OperationKey OperationFor(const std::string& method, const std::string& path) const;
  std::set<std::string> Declared(const OperationKey& key) const;

  // A token for `subject` with `roles`, scoped to `scope` ("" for none).
  std::string Token(const std::string& subject, const std::vector<std::string>& roles,
                    const std::string& scope = "") const;

  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") const {
    return stack_->Fetch(method, target, body, token);
  }

  std::unique_ptr<Stack> stack_;

 private:
  const boost::json::object& Operation(const OperationKey& key) const;

  boost::json::value openapi_;
  std::set<std::string> common_;
  std::map<OperationKey, std::set<std::string>> walked_;
};

// A temporary file with `contents` (for seed files); returns its path.
std::string WriteTempFile(const std::string& name, const std::string& contents);

// Whether Berlin's clocks change within an hour of now (the last Sundays of
// March and October). The booking grid has each wall-clock time once: in the
// hour repeated in October the running slot is the first one's, an hour gone,
// and in March no visit may run into the skipped hour; either way there may
// be no running slot to book and have missed at once.
bool NearAClockChange();

}  // namespace stadt::testing
