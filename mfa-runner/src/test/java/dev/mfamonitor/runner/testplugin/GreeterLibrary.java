package dev.mfamonitor.runner.testplugin;

/** The greeter plugin's own library, in a jar of its own. */
public final class GreeterLibrary {
    private GreeterLibrary() {
    }

    /** "hello, NAME". */
    public static String greeting(String name) {
        return "hello, " + name;
    }
}
