package io.inlet.gcp.decode;

/**
 * What one GCP trigger payload means to Inlet: a change to a stored object, a business message,
 * or something that cannot be understood (and will not be understood on redelivery either).
 */
public sealed interface Decoded permits ObjectNotice, BusinessMessage, Undecodable {
}
