// Fixture for tests/build_rules: a domain header that reaches for gRPC, which
// the domain-rules check must refuse. Never compiled.
#pragma once

#include <string>

#include "grpcpp/grpcpp.h"

std::string Reminder();
