# The privacy service (stadt-privacy). Build from the repository root:
#   docker build -f deploy/docker/privacy.Dockerfile -t REGISTRY/stadt-privacy:VERSION .
# See deploy/README.md for pushing and for the tag the manifests expect.
# Made from audit.Dockerfile; differs in the target (no seed files either).

# ---- build: the same Debian 12 toolchain and -dev packages as deploy/setup.sh
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libhiredis-dev libssl-dev libhowardhinnant-date-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY proto proto
COPY services services
COPY gateway gateway
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTADT_BUILD_TESTS=OFF \
 && cmake --build /build --target stadt-privacy \
 && strip --strip-debug -o /stadt-privacy /build/services/privacy/stadt-privacy

# ---- runtime: slim Debian 12 with only the shared libraries the binary links
# (ldd on the built binary, mapped to packages with dpkg -S).
FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9 libc-ares2 zlib1g \
      libssl3 libboost-json1.81.0 libhiredis0.14 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /stadt-privacy /usr/local/bin/stadt-privacy
# Fail the image build, not the rollout, when a runtime library is missing.
RUN if ldd /usr/local/bin/stadt-privacy | grep 'not found'; then exit 1; fi
# A numeric user so that Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
ENV PRIVACY_GRPC_ADDRESS=0.0.0.0:50057
EXPOSE 50057
ENTRYPOINT ["/usr/local/bin/stadt-privacy"]
