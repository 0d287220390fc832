#!/usr/bin/env bash
# Runs a Dockerfile's build stage outside Docker, instruction by instruction, with the same commands and switches:
# the build context is staged as Docker would send it (repository minus .dockerignore), WORKDIR/COPY/ARG/ENV are
# applied to a stand-in root folder, and every RUN line is executed there with the ARG values as environment.
# Anything the script does not understand fails, so the Dockerfile cannot grow a step that goes unchecked.
#
# Usage: scripts/verify-docker-commands.sh [DOCKERFILE] [STAGE_DIR] [--build-arg NAME=VALUE]...
#   DOCKERFILE  default docker/Dockerfile.cpu (relative to the repository root)
#   STAGE_DIR   where context/ and root/ are made (default: a new temporary folder); printed at the end
# Each executed instruction is echoed as "executed: <instruction>", for tests to compare with the Dockerfile.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dockerfile=docker/Dockerfile.cpu
stage=""
declare -A build_args=()
positional=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build-arg) build_args["${2%%=*}"]="${2#*=}"; shift 2 ;;
    *) if [ $positional -eq 0 ]; then dockerfile=$1; else stage=$1; fi; positional=$((positional + 1)); shift ;;
  esac
done
[ -n "$stage" ] || stage=$(mktemp -d)
context="$stage/context"
root="$stage/root"
rm -rf "$context" "$root"
mkdir -p "$context" "$root"

fail() { echo "verify-docker-commands: $*" >&2; exit 1; }

# ---- the build context: the repository minus .dockerignore ('**/x' and 'x' both exclude every path named x) ----
excludes=()
while IFS= read -r pattern; do
  pattern="${pattern%%#*}"; pattern="${pattern//[[:space:]]/}"
  [ -n "$pattern" ] || continue
  excludes+=("--exclude=${pattern#\*\*/}")
done < "$repo/.dockerignore"
tar -C "$repo" "${excludes[@]}" -cf - . | tar -C "$context" -xf -

# ---- instructions: continuation lines joined, comments dropped ----
mapfile -t instructions < <(sed -e 's/\r$//' "$repo/$dockerfile" | awk '
  /^[[:space:]]*#/ && !pending { next }
  { line = pending $0; if (line ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, " ", line); pending = line; next } pending = "" }
  line ~ /^[[:space:]]*$/ { next }
  { print line }')

in_root() { case "$1" in /*) echo "$root$1" ;; *) echo "$cwd/$1" ;; esac; }

copy_into() { # src (relative to the context) -> dest (Docker semantics: a folder's contents, a file into dest/)
  local src="$context/$1" dest=$2
  [ -e "$src" ] || fail "COPY source '$1' is not in the build context"
  if [ -d "$src" ]; then mkdir -p "$dest"; cp -a "$src/." "$dest/"
  elif [[ "$dest" == */ ]]; then mkdir -p "$dest"; cp -a "$src" "$dest"
  else mkdir -p "$(dirname "$dest")"; cp -a "$src" "$dest"; fi
}

cwd="$root"
stages=0
for instruction in "${instructions[@]}"; do
  read -r keyword rest <<< "$instruction"
  case "${keyword^^}" in
    FROM)
      stages=$((stages + 1))
      [ $stages -eq 1 ] || break # only the build stage runs outside Docker; later stages copy its outputs
      ;;
    ARG)
      name=${rest%%=*}
      if [ -z "${build_args[$name]+set}" ]; then
        [[ "$rest" == *=* ]] || fail "ARG $name has no default and no --build-arg"
        build_args[$name]=${rest#*=}
      fi
      export "$name=${build_args[$name]}"
      ;;
    ENV) eval "export $rest" ;;
    WORKDIR) cwd=$(in_root "$rest"); mkdir -p "$cwd" ;;
    COPY)
      read -r -a words <<< "$rest"
      for w in "${words[@]}"; do [[ "$w" != --* ]] || fail "COPY flag '$w' is not supported in the build stage"; done
      dest=$(in_root "${words[-1]}")
      [[ "${words[-1]}" != */ ]] || dest="$dest/"
      for src in "${words[@]:0:${#words[@]}-1}"; do copy_into "${src%/}" "$dest"; done
      ;;
    RUN)
      command=$rest
      if [[ "$command" =~ ^--mount=type=bind,source=\.,target=([^[:space:]]+)[[:space:]]+(.*)$ ]]; then
        command=${BASH_REMATCH[2]//${BASH_REMATCH[1]}/$context}
      fi
      [[ "$command" != --* ]] || fail "RUN flag in '$command' is not supported"
      (cd "$cwd" && sh -c "$command") || fail "RUN failed: $command"
      ;;
    *) fail "instruction '$keyword' is not supported in the build stage" ;;
  esac
  echo "executed: $instruction"
done
[ $stages -ge 1 ] || fail "$dockerfile has no FROM"
echo "stage root: $root"
