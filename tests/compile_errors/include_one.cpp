// Compiled by the header_layer tests with decoys that stop the build if HEADER reaches them.
#include HEADER

int main() {}
