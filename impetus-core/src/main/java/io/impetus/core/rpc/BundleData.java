package io.impetus.core.rpc;

/** A code bundle on the wire: its id and its zip bytes (base64 in JSON). */
public record BundleData(String bundleId, byte[] zip) {
}
