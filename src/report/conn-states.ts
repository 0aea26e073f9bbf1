/** Moved to model/ (track/ uses it too); kept here for the renderers' imports. */
export * from '../model/conn-states.js';
