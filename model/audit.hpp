#pragma once
// One staff request as the audit keeps it: who, from where, what, and how it
// ended. Reads and actions alike; never a petition's content.
#include "model/time.hpp"

#include <string>

namespace pg::model {

struct audit_entry {
    timestamp at{};
    std::string who;       // "console:li.wei", "api:cms": the account or token name
    std::string via;       // "console", "staff_api"
    std::string source;    // the client's address as the gateway saw it
    std::string method;    // "GET", "POST"
    std::string resource;  // "/petitions/7KQM-2X4D/actions", without the query
    std::string action;    // a POST's action ("accept", "transfer"); "" for a read
    std::string tracking;  // the petition it concerned, if one
    int status = 0;        // the HTTP status it was answered with
};

}  // namespace pg::model
