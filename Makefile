# The two commands of the README's quick start:
#   make demo   installs what is missing, builds, and round-trips a demo file
#   make test   installs what is missing, builds, and runs the whole test suite
# Other targets: make build, make bench (needs ../shared/bench corpus), make sanitize, make clean.
BUILD ?= build
JOBS ?= $(shell nproc)
MAKEFLAGS += --no-print-directory

.PHONY: all deps build demo test sanitize tsan clean
all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)/rigz

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer, warnings as errors.
sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DRIGZ_WERROR=ON -DRIGZ_SANITIZE=address,undefined >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && UBSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# The threaded tests under ThreadSanitizer.
tsan: deps
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DRIGZ_WERROR=ON -DRIGZ_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	@cd build-tsan && ctest --output-on-failure -j $(JOBS) -L threads

clean:
	rm -rf build build-asan build-tsan

# Installation and packages (cmake/install.cmake). `make install` installs into PREFIX
# (/usr/local); `make deb` writes rigz_VERSION_ARCH.deb (the program, man page, completion)
# and librigz-dev_VERSION_ARCH.deb (library, headers, pkg-config, CMake package) into $(BUILD).
PREFIX ?= /usr/local
.PHONY: install deb
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

deb: build
	@cd $(BUILD) && cpack -G DEB

# Fuzzing: libFuzzer targets of tests/fuzz under ASan + UBSan, built with clang in
# build-fuzz. `make fuzz` runs each for FUZZ_SECONDS (20) from the seeds, `make fuzz-long`
# for 10 minutes each; a crash stops the run and leaves its input in build-fuzz/.
FUZZ_SECONDS ?= 20
.PHONY: fuzz-build fuzz fuzz-long soak
fuzz-build: deps
	@bash scripts/install-deps.sh --fuzz
	@CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRIGZ_FUZZ=ON \
		-DRIGZ_SANITIZE=address,undefined >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_header fuzz_decompress fuzz_roundtrip fuzz_lzw fuzz_pack fuzz_inflate

fuzz: fuzz-build
	@bash tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-long: fuzz-build
	@bash tests/fuzz/run.sh build-fuzz 600

# Random round trips of the rigz program against gzip (zlib) and itself; SOAK_ARGS are
# passed on (e.g. make soak SOAK_ARGS="--count 200" or "--seed 123 --count 1").
SOAK_ARGS ?=
soak: build
	@bash scripts/soak.sh --rigz $(BUILD)/rigz $(SOAK_ARGS)

# Side-by-side benchmark against pigz, igzip, libdeflate and gzip on the corpus that
# ../shared/bench/make-corpus builds (bench/README.md); BENCH_ARGS go to bench/bench.py.
CORPUS ?= ../corpus
BENCH_ARGS ?=
.PHONY: bench
bench: build
	@bash scripts/install-deps.sh --bench
	@/usr/bin/python3 bench/bench.py --rigz $(BUILD)/rigz $(CORPUS) $(BENCH_ARGS)
