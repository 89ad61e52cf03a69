// Vite's client types (CSS side-effect imports) for the floor page, without relying on web/'s copy.
/// <reference types="vite/client" />
