package io.impetus.core.error;

/** A stream property, option or argument has a value outside its allowed range. */
public class InvalidPropertyException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    private final String property;

    public InvalidPropertyException(String property, String message) {
        super(message);
        this.property = property;
    }

    /** The name of the offending property, as the user wrote it. */
    public String property() {
        return property;
    }
}
