package dev.orbit.training.report;

/** Forces AWT into headless mode before any chart is drawn, as on a CI machine without a display. */
final class Headless {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Headless() {}

    /** Call from a test class's static initializer; loading this class sets the property. */
    static void ensure() {}
}
