package io.inlet.trigger;

/** An environment variable of a function is missing or wrong; the message starts with its name. Fails start-up. */
public final class SettingException extends IllegalStateException {

    private final String variable;

    public SettingException(String variable, String problem) {
        super(variable + " " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
