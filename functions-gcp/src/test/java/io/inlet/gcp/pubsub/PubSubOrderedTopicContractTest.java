package io.inlet.gcp.pubsub;

/** A topic published with ordering on: the stream id is the ordering key. */
class PubSubOrderedTopicContractTest extends PubSubPublisherContract {

    @Override
    protected boolean ordered() {
        return true;
    }
}
