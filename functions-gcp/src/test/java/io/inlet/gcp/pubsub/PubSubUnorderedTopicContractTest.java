package io.inlet.gcp.pubsub;

/** A topic without ordering: no ordering key. */
class PubSubUnorderedTopicContractTest extends PubSubPublisherContract {

    @Override
    protected boolean ordered() {
        return false;
    }
}
