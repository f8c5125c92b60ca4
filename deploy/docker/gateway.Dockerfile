# The HTTP/JSON gateway (stadt-gateway). Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t REGISTRY/stadt-gateway:VERSION .
# See deploy/README.md for pushing and for the tag the manifests expect.

# ---- build: the same Debian 12 toolchain and -dev packages as deploy/setup.sh
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libhiredis-dev libssl-dev libhowardhinnant-date-dev libjemalloc-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY proto proto
COPY services services
COPY gateway gateway
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTADT_BUILD_TESTS=OFF \
 && cmake --build /build --target stadt-gateway \
 && strip --strip-debug -o /stadt-gateway /build/gateway/stadt-gateway

# ---- the staff web app (web/staff, served under /staff/): esbuild bundles it with
# Debian's Node.js and the versions of package-lock.json; only the built files
# (dist: JavaScript, CSS, fonts, their gzip forms) go into the runtime image.
FROM debian:12 AS staff-app
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src/web/staff
COPY web/staff/package.json web/staff/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/staff/build.mjs ./
COPY web/staff/src src
RUN node build.mjs /staff-app

# ---- runtime: slim Debian 12 with only the shared libraries the binary links
# (list derived with `ldd` on the built binary, mapped to packages with `dpkg -S`;
# libc6, libstdc++6 and libgcc-s1 are already in the slim image), and the CAs
# that GATEWAY_JWKS_URL's certificate is checked against).
FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9 libc-ares2 zlib1g \
      libssl3 libboost-json1.81.0 libboost-url1.81.0 libhiredis0.14 libjemalloc2 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /stadt-gateway /usr/local/bin/stadt-gateway
# Read once at start when GATEWAY_STAFF_APP_DIR names it (the k8s manifest does).
COPY --from=staff-app /staff-app /usr/share/stadt/staff-app
# Fail the image build, not the rollout, when a runtime library is missing.
RUN if ldd /usr/local/bin/stadt-gateway | grep 'not found'; then exit 1; fi
# A numeric user so that Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
ENV GATEWAY_LISTEN_ADDRESS=0.0.0.0 GATEWAY_PORT=8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/stadt-gateway"]
