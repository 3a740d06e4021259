/// Spec parsing, canonical text and validation messages, table-driven over the registry.

#include "pixpool/filters.hpp"

#include <pixpool/did_you_mean.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <iomanip>
#include <sstream>

namespace pf = pixpool::filters;

namespace {

/// The FilterError message of `spec`, or "" if it parsed.
std::string error_of(const std::string& spec) {
    try {
        pf::parse_step(spec);
    } catch (const pf::FilterError& e) {
        return e.what();
    }
    return "";
}

/// Numbers as the messages write them: integers plainly, others in fixed notation.
std::string number_text(double value) {
    if (value == std::floor(value)) return std::to_string(static_cast<long long>(value));
    std::ostringstream out;
    out << std::fixed << std::setprecision(6) << value;
    std::string text = out.str();
    text.erase(text.find_last_not_of('0') + 1);
    return text;
}

}  // namespace

TEST(Parse, NameAloneTakesDefaults) {
    const pf::Step step = pf::parse_step("gaussian_blur");
    ASSERT_NE(step.filter, nullptr);
    EXPECT_EQ(step.filter->name, "gaussian_blur");
    EXPECT_DOUBLE_EQ(step.values.number("sigma"), 2.0);
    EXPECT_EQ(step.values.integer("ksize"), 0);
    EXPECT_EQ(step.values.choice("precision"), "auto");
}

TEST(Parse, TextIsCanonical) {
    EXPECT_EQ(pf::parse_step("gaussian_blur:sigma=3").text(), "gaussian_blur:sigma=3,ksize=0,precision=auto");
    EXPECT_EQ(pf::parse_step(" gaussian_blur : precision=auto , sigma = 3.000 ").text(),
              pf::parse_step("gaussian_blur:sigma=+3e0").text());
    EXPECT_EQ(pf::parse_step("sharpen:amount=0.50").text(), "sharpen:sigma=1,amount=0.5,threshold=0");
    EXPECT_EQ(pf::parse_step("grayscale").text(), "grayscale:alpha=keep");
}

TEST(Parse, MakeStepValidatesLikeParse) {
    EXPECT_EQ(pf::make_step("gaussian_blur", {{"sigma", "2.5"}}).text(),
              pf::parse_step("gaussian_blur:sigma=2.5").text());
    EXPECT_THROW(pf::make_step("gaussian_blur", {{"sigma", "-1"}}), pf::FilterError);
}

TEST(Parse, ChoicesAndBooleansAreCaseInsensitive) {
    EXPECT_EQ(pf::parse_step("gaussian_blur:precision=EXACT").values.choice("precision"), "exact");
}

TEST(Parse, ExampleMessages) {
    EXPECT_EQ(error_of("gaussian_blur:sigma=abc"), "gaussian_blur: sigma must be a number in [0.1, 500], got 'abc'");
    EXPECT_EQ(error_of("gaussian_blur:sigm=3"),
              "gaussian_blur: unknown parameter 'sigm' (parameters: sigma, ksize, precision)");
    EXPECT_EQ(error_of("gausian_blur"), "unknown filter 'gausian_blur' (did you mean gaussian_blur?)");
    const std::string unknown = error_of("smudge");  // nothing close: every name, to pick from
    EXPECT_EQ(unknown.rfind("unknown filter 'smudge' (filters: ", 0), 0u) << unknown;
    EXPECT_NE(unknown.find("box_blur"), std::string::npos) << unknown;
    EXPECT_EQ(error_of("gaussian_blur:ksize=4"), "gaussian_blur: ksize must be odd, got 4");
    EXPECT_EQ(error_of("gaussian_blur:sigma"), "gaussian_blur: expected key=value, got 'sigma'");
    EXPECT_EQ(error_of("gaussian_blur:sigma=1,sigma=2"), "gaussian_blur: sigma is given twice");
    EXPECT_NE(error_of(""), "");
    EXPECT_NE(error_of("box_blur:size=2.5").find("size must be an integer in [1, "), std::string::npos);
}

TEST(Parse, UnknownFilterHintsFollowTheOneDidYouMeanRule) {
    // The CLI's rule for commands and options: a prefix counts, closest first.
    EXPECT_EQ(error_of("gauss"), "unknown filter 'gauss' (did you mean gaussian_blur?)");
    EXPECT_EQ(error_of("sharpn:amount=1"), "unknown filter 'sharpn'" + pixpool::did_you_mean("sharpn", {"sharpen"}));
    EXPECT_EQ(pixpool::did_you_mean("--qualty", {"--quality", "--quiet", "--prefix"}), " (did you mean --quality?)");
    EXPECT_EQ(pixpool::did_you_mean("rn", {"run", "blur", "bench"}), " (did you mean run?)");
    EXPECT_EQ(pixpool::closest_names("gaussian_blr", {"gaussian_blurs", "box_blur", "gaussian_blur"}),
              (std::vector<std::string>{"gaussian_blur", "gaussian_blurs"}));
    EXPECT_EQ(pixpool::did_you_mean("zzzzzz", {"run", "blur"}), "");
}

TEST(Parse, ChainTextJoinsSteps) {
    const pf::Chain chain = pf::Chain::parse({"box_blur:size=5", "grayscale"});
    EXPECT_EQ(chain.steps().size(), 2u);
    EXPECT_EQ(chain.text(), "box_blur:size=5 | grayscale:alpha=keep");
    EXPECT_TRUE(pf::Chain::parse({}).empty());
}

TEST(Parse, EmptyChainReturnsImageUnchanged) {
    cv::Mat image(4, 4, CV_8UC3, cv::Scalar(1, 2, 3));
    cv::Mat out = pf::Chain().apply(image);
    EXPECT_EQ(cv::norm(image, out, cv::NORM_INF), 0.0);
}

TEST(Registry, NamesAreUniqueAndFindable) {
    std::set<std::string> names;
    for (const auto& filter : pf::registry()) {
        EXPECT_TRUE(names.insert(filter.name).second) << filter.name;
        EXPECT_EQ(pf::find(filter.name), &filter);
        EXPECT_NE(filter.apply, nullptr) << filter.name;
        EXPECT_FALSE(filter.help.empty()) << filter.name;
    }
    EXPECT_EQ(pf::find("no_such_filter"), nullptr);
}

TEST(Registry, DescribeListsEveryFilterAndParameter) {
    const std::string text = pf::describe_filters();
    for (const auto& filter : pf::registry()) {
        EXPECT_NE(text.find(filter.name + "\n"), std::string::npos) << filter.name;
        for (const auto& param : filter.params)
            EXPECT_NE(text.find("    " + param.name + ": "), std::string::npos) << filter.name << "." << param.name;
    }
}

/// Every default must itself pass validation, or a filter could never be used with defaults.
TEST(Validation, EveryDefaultIsValid) {
    for (const auto& filter : pf::registry()) {
        for (const auto& param : filter.params) {
            if (param.default_value.empty()) continue;
            const std::string spec = filter.name + ":" + param.name + "=" + param.default_value;
            const std::string error = error_of(spec);
            EXPECT_EQ(error.find(param.name + " must be"), std::string::npos) << spec << ": " << error;
        }
    }
}

/// Every numeric parameter rejects below-min, above-max and non-numbers with
/// a message naming the filter, the parameter and the range.
TEST(Validation, NumericParametersRejectOutOfRange) {
    int checked = 0;
    for (const auto& filter : pf::registry()) {
        for (const auto& param : filter.params) {
            if (param.type != pf::ParamType::Integer && param.type != pf::ParamType::Number) continue;
            const std::string kind = param.type == pf::ParamType::Integer ? "an integer" : "a number";
            const std::string expected = filter.name + ": " + param.name + " must be " + kind + " in [";
            const double step = param.type == pf::ParamType::Integer ? 1 : std::max(1e-3, std::abs(param.min) * 0.01);
            for (const std::string& bad : {number_text(param.min - step), number_text(param.max + step), std::string("abc"),
                                           std::string("nan"), std::string("")}) {
                const std::string spec = filter.name + ":" + param.name + "=" + bad;
                const std::string error = error_of(spec), ending = "], got '" + bad + "'";
                ASSERT_EQ(error.rfind(expected, 0), 0u) << spec << ": " << error;
                ASSERT_GT(error.size(), ending.size()) << spec << ": " << error;
                EXPECT_EQ(error.substr(error.size() - ending.size()), ending) << spec << ": " << error;
                // The range shown reads back as the declared one.
                const std::string range = error.substr(expected.size(), error.size() - expected.size() - ending.size());
                EXPECT_EQ(range, number_text(param.min) + ", " + number_text(param.max)) << spec << ": " << error;
            }
            ++checked;
        }
    }
    EXPECT_GT(checked, 5);
}

TEST(Validation, IntegersRejectFractions) {
    for (const auto& filter : pf::registry()) {
        for (const auto& param : filter.params) {
            if (param.type != pf::ParamType::Integer || param.max - param.min < 1) continue;
            const std::string spec = filter.name + ":" + param.name + "=" + number_text(param.min + 0.5);
            EXPECT_NE(error_of(spec).find(param.name + " must be an integer"), std::string::npos) << spec;
        }
    }
}

TEST(Validation, ChoicesRejectUnknownListingChoices) {
    for (const auto& filter : pf::registry()) {
        for (const auto& param : filter.params) {
            std::string expected = filter.name + ": " + param.name + " must be ";
            if (param.type == pf::ParamType::Choice) {
                expected += "one of ";
                for (size_t i = 0; i < param.choices.size(); ++i) expected += (i ? ", " : "") + param.choices[i];
            } else if (param.type == pf::ParamType::Boolean) {
                expected += "true or false";
            } else {
                continue;
            }
            const std::string spec = filter.name + ":" + param.name + "=nonesuch";
            EXPECT_EQ(error_of(spec), expected + ", got 'nonesuch'") << spec;
        }
    }
}

TEST(Validation, UnknownParameterListsParameters) {
    for (const auto& filter : pf::registry()) {
        const std::string error = error_of(filter.name + ":zzz=1");
        EXPECT_EQ(error.rfind(filter.name + ": unknown parameter 'zzz' (", 0), 0u) << error;
        for (const auto& param : filter.params) EXPECT_NE(error.find(param.name), std::string::npos) << error;
    }
}

/// Canonical text parses back to itself, for every filter that parses with its defaults.
TEST(Parse, TextRoundTrips) {
    int checked = 0;
    for (const auto& filter : pf::registry()) {
        if (!error_of(filter.name).empty()) continue;  // needs arguments (resize, crop)
        const std::string text = pf::parse_step(filter.name).text();
        EXPECT_EQ(pf::parse_step(text).text(), text);
        ++checked;
    }
    EXPECT_GT(checked, 20);
    const std::string resize = pf::parse_step("resize:height=0480.0,width=640").text();
    EXPECT_EQ(resize, "resize:width=640,height=480,fit=inside,interpolation=auto,upscale=false");
    EXPECT_EQ(pf::parse_step(resize).text(), resize);
}
