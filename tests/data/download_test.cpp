#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "support/files.hpp"
#include "tapenet/tapenet.hpp"

using namespace tapenet;
using namespace tapenet::testing;

TEST_CASE("MD5 matches RFC 1321's test suite", "[fast][data]") {
  auto md5 = [](const std::string& text) {
    download::Md5 hash;
    hash.update(text.data(), text.size());
    return hash.hex_digest();
  };
  REQUIRE(md5("") == "d41d8cd98f00b204e9800998ecf8427e");
  REQUIRE(md5("abc") == "900150983cd24fb0d6963f7d28e17f72");
  REQUIRE(md5("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  REQUIRE(md5("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
  REQUIRE(md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
          "57edf4a22be3c955ac49da2e2107b67a");
  download::Md5 pieces;  // fed in pieces that straddle the 64-byte blocks
  std::string text(1000, 'a');
  for (std::size_t i = 0; i < text.size(); i += 37)
    pieces.update(text.data() + i, std::min<std::size_t>(37, text.size() - i));
  REQUIRE(pieces.hex_digest() == md5(text));
}

#ifdef TAPENET_HAS_CURL
namespace {

// A one-file HTTP server on 127.0.0.1, so the download path runs for real without the internet.
class LoopbackServer {
 public:
  enum class Mode { serve, drop_halfway, ignore_range, not_found };

  explicit LoopbackServer(Bytes body) : body_(std::move(body)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 8);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stopping_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/cifar-10-binary.tar.gz";
  }
  void set_mode(Mode mode) { mode_ = mode; }
  int requests() const { return requests_; }
  std::int64_t last_range_start() const { return last_range_start_; }

 private:
  void serve() {
    while (!stopping_) {
      pollfd waiting{listener_, POLLIN, 0};
      if (::poll(&waiting, 1, 50) <= 0) continue;
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      answer(client);
      ::close(client);
    }
  }

  void answer(int client) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got <= 0) return;
      request.append(buffer, static_cast<std::size_t>(got));
    }
    ++requests_;
    std::int64_t start = 0;
    if (auto range = request.find("Range: bytes="); range != std::string::npos)
      start = std::stoll(request.substr(range + 13));
    last_range_start_ = start;
    const Mode mode = mode_;
    if (mode == Mode::not_found)
      return send_text(client, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    if (mode == Mode::ignore_range) start = 0;
    const auto size = static_cast<std::int64_t>(body_.size());
    std::string head = start > 0 ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " +
                                       std::to_string(start) + "-" + std::to_string(size - 1) +
                                       "/" + std::to_string(size) + "\r\n"
                                 : "HTTP/1.1 200 OK\r\n";
    head += "Content-Length: " + std::to_string(size - start) + "\r\nConnection: close\r\n\r\n";
    send_text(client, head);
    const std::int64_t end = mode == Mode::drop_halfway ? start + (size - start) / 2 : size;
    send_bytes(client, body_.data() + start, static_cast<std::size_t>(end - start));
  }

  static void send_text(int client, const std::string& text) {
    send_bytes(client, text.data(), text.size());
  }
  static void send_bytes(int client, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
      ssize_t sent = ::send(client, bytes, size, MSG_NOSIGNAL);
      if (sent <= 0) return;
      bytes += sent;
      size -= static_cast<std::size_t>(sent);
    }
  }

  Bytes body_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<Mode> mode_ = Mode::serve;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> requests_ = 0;
  std::atomic<std::int64_t> last_range_start_ = 0;
  std::thread thread_;
};

std::string md5_of(const Bytes& bytes) {
  download::Md5 hash;
  hash.update(bytes.data(), bytes.size());
  return hash.hex_digest();
}

}  // namespace

TEST_CASE("download_file fetches, checks the MD5 and renames into place",
          "[fast][data][download]") {
  const Bytes archive = small_cifar_archive(2);
  LoopbackServer server(archive);
  TempDir dir;
  const std::string target = dir / "cifar-10-binary.tar.gz";

  SECTION("a good download") {
    download::download_file(server.url(), target, {.expected_md5 = md5_of(archive)});
    REQUIRE(read_bytes(target) == archive);
    REQUIRE_FALSE(std::filesystem::exists(target + ".part"));
  }
  SECTION("a wrong checksum leaves no file behind") {
    REQUIRE_THROWS_WITH(
        download::download_file(server.url(), target, {.expected_md5 = std::string(32, '0')}),
        "downloaded " + server.url() + " but its MD5 is " + md5_of(archive) + ", expected " +
            std::string(32, '0') + " (a damaged or different file; it was removed, try again)");
    REQUIRE_FALSE(std::filesystem::exists(target));
    REQUIRE_FALSE(std::filesystem::exists(target + ".part"));
  }
  SECTION("a dropped connection keeps the part, and the next try resumes from it") {
    server.set_mode(LoopbackServer::Mode::drop_halfway);
    REQUIRE_THROWS_WITH(
        download::download_file(server.url(), target, {.expected_md5 = md5_of(archive)}),
        Catch::Contains("failed: ") && Catch::Contains("bytes are kept in " + target + ".part") &&
            Catch::Contains("put the file at " + target + " yourself"));
    REQUIRE_FALSE(std::filesystem::exists(target));
    const auto kept = static_cast<std::int64_t>(std::filesystem::file_size(target + ".part"));
    REQUIRE(kept == static_cast<std::int64_t>(archive.size() / 2));
    server.set_mode(LoopbackServer::Mode::serve);
    download::download_file(server.url(), target, {.expected_md5 = md5_of(archive)});
    REQUIRE(server.last_range_start() == kept);
    REQUIRE(read_bytes(target) == archive);
  }
  SECTION("a server that ignores the range request: the part is started over") {
    write_bytes(target + ".part", Bytes(100, 7));
    server.set_mode(LoopbackServer::Mode::ignore_range);
    download::download_file(server.url(), target, {.expected_md5 = md5_of(archive)});
    REQUIRE(server.requests() == 2);  // curl notices the 200 and stops; the second asks for all
    REQUIRE(server.last_range_start() == 0);
    REQUIRE(read_bytes(target) == archive);
  }
  SECTION("an HTTP error") {
    server.set_mode(LoopbackServer::Mode::not_found);
    REQUIRE_THROWS_WITH(download::download_file(server.url(), target), Catch::Contains("404"));
    REQUIRE_FALSE(std::filesystem::exists(target + ".part"));
  }
}

TEST_CASE("CIFAR10 with download = true fetches the archive once, then reads it",
          "[fast][data][download]") {
  const Bytes archive = small_cifar_archive(2);
  LoopbackServer server(archive);
  TempDir dir;
  const std::string root = dir / "data";
  datasets::CIFAR10Options options{
      .train = false, .download = true, .url = server.url(), .md5 = md5_of(archive)};
  datasets::CIFAR10 test(root, options);
  REQUIRE(test.size() == 2);
  REQUIRE(std::filesystem::exists(root + "/cifar-10-binary.tar.gz"));
  datasets::CIFAR10 again(root, options);
  REQUIRE(server.requests() == 1);

  options.md5 = std::string(32, 'f');
  TempDir other;
  REQUIRE_THROWS_WITH(datasets::CIFAR10(other / "data", options),
                      Catch::Contains("but its MD5 is"));
}

TEST_CASE("Offline, the error says where to put the file", "[fast][data][download]") {
  TempDir dir;
  // A port nothing listens on: the connection is refused at once.
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(probe);
  const std::string url =
      "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x.tar.gz";
  REQUIRE_THROWS_WITH(datasets::CIFAR10(dir.path().string(), {.download = true, .url = url}),
                      Catch::StartsWith("downloading " + url + " failed: ") &&
                          Catch::EndsWith("(offline? then put the file at " + dir.path().string() +
                                          "/cifar-10-binary.tar.gz yourself)"));
}
#endif
